using GtmMart.DemoData;
using GtmMart.Scoring.Registry;
using GtmMart.Serving;
using GtmMart.Tests.Support;
using GtmMart.Training;
using GtmMart.Training.Export;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;
using GtmMart.Warehouse.Snowflake;

namespace GtmMart.Tests.Snowflake;

/// <summary>
/// A fact that needs a real Snowflake account: <c>GTM_SNOWFLAKE_TEST_CONNECTION</c> holds its connection string (use a
/// scratch database; the test writes raw, staging, core, mart and gtm_meta there). Skipped, with the reason, when unset.
/// </summary>
public sealed class SnowflakeFactAttribute : FactAttribute
{
    public const string Variable = "GTM_SNOWFLAKE_TEST_CONNECTION";

    public SnowflakeFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable)))
        {
            Skip = $"needs a Snowflake account: set {Variable} to a connection string for a scratch database and build with -p:WithSnowflake=true";
        }
    }
}

/// <summary>The whole pipeline against a real Snowflake account: generate, load, build, export, train, write back twice.</summary>
public sealed class SnowflakePipelineTests
{
    [SnowflakeFact]
    public void Generate_load_build_export_train_and_write_back_run_on_snowflake()
    {
#if WITH_SNOWFLAKE
        GtmMart.Warehouse.SnowflakeData.SnowflakeDataProvider.Register();
#endif
        var factory = SnowflakeProvider.Factory
            ?? throw new InvalidOperationException($"{SnowflakeFactAttribute.Variable} is set but this build has no Snowflake provider: " + SnowflakeProvider.NotInThisBuild);
        using var dir = new TempDirectory();
        var settings = SnowflakeSettings.Parse(Environment.GetEnvironmentVariable(SnowflakeFactAttribute.Variable)!, SnowflakeFactAttribute.Variable);
        var warehouse = new SnowflakeWarehouse(factory, settings, dir.Path);

        var raw = dir.Sub("raw");
        var generated = DemoDataGenerator.Generate(new GeneratorOptions { OutputDirectory = raw, Accounts = 300, Seed = 11 });
        var load = new RawLoader(warehouse).Load(raw);
        Assert.Equal(generated.RowsPerFile.Values.Sum(), load.Read);
        Assert.Equal(load.Read, load.Loaded + load.Rejected);

        var build = new MartBuilder(warehouse, ModelCatalog.Load(RepoPaths.Sql)).Build();
        Assert.True(build.Published, string.Join("; ", build.Failures.Select(f => f.Test.Name)));

        var snapshot = dir.Sub("features");
        var manifest = FeatureExporter.Export(warehouse, snapshot, FeatureExporter.DefaultTables);
        Assert.Equal(build.BuildId, manifest.SourceBuildId);
        Assert.All(manifest.Files, f => Assert.True(f.Rows > 0, f.Table));

        var registry = new ModelRegistry(dir.Sub("models"));
        TrainingPipeline.Run(snapshot, ProductData.DefaultConfig, registry);
        using var models = ModelSet.LoadActive(registry);
        var features = FeatureStore.Load(warehouse);
        var first = new ScoreWriteBack(warehouse).Run(models, features, "sf-it-" + build.BuildId);
        var again = new ScoreWriteBack(warehouse).Run(models, features, "sf-it-" + build.BuildId);

        Assert.Equal(features.OpenOpportunities.Count, first.Opportunities);
        Assert.Equal(features.Accounts.Count, first.Accounts);
        Assert.True(again.AlreadyWritten);
        using var connection = warehouse.Open();
        Assert.Equal(first.Opportunities, connection.Scalar<long>("select count(*) from mart.mrt_opportunity_scores where run_id = $run", ("run", first.RunId)));
    }
}
