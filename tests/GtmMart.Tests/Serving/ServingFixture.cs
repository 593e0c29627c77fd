using GtmMart.DemoData;
using GtmMart.Scoring.Registry;
using GtmMart.Tests.Support;
using GtmMart.Training;
using GtmMart.Training.Export;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;

namespace GtmMart.Tests.Serving;

/// <summary>
/// A small generated data set taken through the product once (generate → load → build → export → train into a temp
/// registry), shared by the serving tests, which run one after the other (one collection) because they write to it.
/// </summary>
public sealed class ServingFixture : IDisposable
{
    public const int Accounts = 400;

    public ServingFixture()
    {
        var raw = Db.Folder.Sub("raw");
        DemoDataGenerator.Generate(new GeneratorOptions { OutputDirectory = raw, Accounts = Accounts, Seed = 5 });
        new RawLoader(Db.Warehouse).Load(raw);
        var build = new MartBuilder(Db.Warehouse, ModelCatalog.Load(RepoPaths.Sql)).Build();
        if (!build.Published)
        {
            throw new InvalidOperationException("the generated mart did not publish: " + string.Join("; ", build.Failures.Select(f => f.Test.Name)));
        }

        BuildId = build.BuildId;
        Snapshot = Db.Folder.Sub("features");
        FeatureExporter.Export(Db.Warehouse, Snapshot, FeatureExporter.DefaultTables);
        Registry = new ModelRegistry(Db.Folder.Sub("models"));
        Train(Registry);
    }

    public TestWarehouse Db { get; } = new();

    public long BuildId { get; }

    public string Snapshot { get; }

    public ModelRegistry Registry { get; }

    public static TrainingConfig Config => TrainingConfig.Load(Path.Combine(RepoPaths.Root, TrainingConfig.DefaultPath));

    /// <summary>Trains both models from the fixture's snapshot and registers (and activates) them in <paramref name="registry"/>.</summary>
    public TrainingRun Train(ModelRegistry registry) => TrainingPipeline.Run(Snapshot, Config, registry);

    /// <summary>A copy of the warehouse file in <paramref name="folder"/>, for tests that must not disturb the others.</summary>
    public string CopyWarehouse(TempDirectory folder)
    {
        var copy = folder.File("warehouse.duckdb");
        File.Copy(Db.Warehouse.DatabasePath, copy);
        var wal = Db.Warehouse.DatabasePath + ".wal";
        if (File.Exists(wal))
        {
            File.Copy(wal, copy + ".wal");
        }

        return copy;
    }

    public void Dispose() => Db.Dispose();
}

[CollectionDefinition(Name)]
public sealed class ServingTestGroup : ICollectionFixture<ServingFixture>
{
    public const string Name = "serving";
}
