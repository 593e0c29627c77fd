using GtmMart.Scoring.Registry;
using GtmMart.Tests.Mart;
using GtmMart.Tests.Support;
using GtmMart.Training;
using GtmMart.Training.Export;

namespace GtmMart.Tests.Training;

/// <summary>
/// Small data: the seed export (152 closed opportunities, no accounts or contacts) trains without crashing, says
/// clearly that there are too few examples, reports cross-validated metrics with intervals, and can be repeated from
/// the Parquet snapshot alone.
/// </summary>
public sealed class SeedTrainingTests(SeedMartFixture mart) : IClassFixture<SeedMartFixture>
{
    [SeedFact]
    public void Seed_data_trains_with_small_data_warnings_and_confidence_intervals()
    {
        Assert.True(mart.Build.Published);
        var snapshot = mart.Db.Folder.Sub("features");
        FeatureExporter.Export(mart.Db.Warehouse, snapshot, FeatureExporter.DefaultTables);

        var run = TrainingPipeline.Run(snapshot, TrainingConfig.Load(Path.Combine(RepoPaths.Root, TrainingConfig.DefaultPath)), new ModelRegistry(mart.Db.Folder.Sub("models")));

        Assert.Equal(152, run.Opportunity.Won + run.Opportunity.Lost);
        Assert.Contains(run.Opportunity.Warnings, w => w.Contains("200", StringComparison.Ordinal));
        var auc = run.Opportunity.CrossValidation.Auc;
        Assert.True(auc.Lower < auc.Mean && auc.Mean < auc.Upper, auc.ToString());
        Assert.False(run.Icp.FitModelTrained);
        Assert.NotEmpty(run.Icp.Warnings);
        Assert.Contains(run.Opportunity.DroppedFeatures, d => d.Feature == "amount_usd");
        Assert.True(File.Exists(Path.Combine(run.OpportunityVersion.Directory, "model.zip")));
        Assert.True(File.Exists(Path.Combine(run.OpportunityVersion.Directory, ModelRegistry.CardFile)));
    }
}
