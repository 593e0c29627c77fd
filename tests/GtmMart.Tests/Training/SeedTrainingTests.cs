using GtmMart.Scoring.Registry;
using GtmMart.Tests.Mart;
using GtmMart.Tests.Support;
using GtmMart.Training;
using GtmMart.Training.Export;

namespace GtmMart.Tests.Training;

/// <summary>
/// Small data: the seed export (152 closed opportunities, no accounts or contacts) trains without crashing, reports
/// cross-validated metrics with intervals, and is refused by the promotion gate as no better than chance, so the
/// honest baselines are what is active.
/// </summary>
public sealed class SeedTrainingTests(SeedMartFixture mart) : IClassFixture<SeedMartFixture>
{
    [SeedFact]
    public void Seed_data_trains_is_refused_by_the_gate_and_leaves_the_baselines_active()
    {
        Assert.True(mart.Build.Published);
        var snapshot = mart.Db.Folder.Sub("features");
        FeatureExporter.Export(mart.Db.Warehouse, snapshot, FeatureExporter.DefaultTables);

        var registry = new ModelRegistry(mart.Db.Folder.Sub("models"));
        var run = TrainingPipeline.Run(snapshot, TrainingConfig.Load(Path.Combine(RepoPaths.Root, TrainingConfig.DefaultPath)), registry);

        Assert.Equal((80, 72), (run.Opportunity.Won, run.Opportunity.Lost));
        var auc = run.Opportunity.CrossValidation.Auc;
        Assert.True(auc.Lower < auc.Mean && auc.Mean < auc.Upper, auc.ToString());
        var gate = run.OpportunityVersion.Card.Gate!;
        Assert.False(gate.Passed);
        Assert.Equal(Scoring.Registry.TrustVerdict.NoBetterThanChance, gate.Verdict);
        Assert.StartsWith("refused: no better than chance (CV AUC 0.5", gate.Reason, StringComparison.Ordinal);
        Assert.Equal(Scoring.Registry.ModelKind.Baseline, registry.Active(TrainingPipeline.OpportunityModel)!.Card.Kind);
        Assert.False(run.Icp.FitModelTrained);
        Assert.NotEmpty(run.Icp.Warnings);
        Assert.Equal(Scoring.Registry.ModelKind.Baseline, registry.Active(TrainingPipeline.IcpModel)!.Card.Kind);
        Assert.Contains(run.Opportunity.DroppedFeatures, d => d.Feature == "amount_usd");
        Assert.True(File.Exists(Path.Combine(run.OpportunityVersion.Directory, "model.zip")));
        Assert.True(File.Exists(Path.Combine(run.OpportunityVersion.Directory, ModelRegistry.CardFile)));
    }
}
