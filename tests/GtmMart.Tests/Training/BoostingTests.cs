using GtmMart.DemoData;
using GtmMart.Tests.Support;
using GtmMart.Training.Export;
using GtmMart.Training.Opportunity;
using Xunit.Abstractions;

namespace GtmMart.Tests.Training;

/// <summary>A generated world whose win model has the industry × company size interaction, taken through the product once.</summary>
public sealed class InteractionWorldFixture : IDisposable
{
    public const int Accounts = 3_000;

    public InteractionWorldFixture()
    {
        var data = ProductData.Prepare(Db, Accounts, seed: 5, o => o with { WinSignal = WinSignal.Interaction });
        Snapshot = data.Snapshot;
        Result = OpportunityModelTrainer.Train(FeatureSnapshot.ReadOpportunities(data.Snapshot), ProductData.DefaultConfig.Opportunity);
    }

    public TestWarehouse Db { get; } = new();

    public string Snapshot { get; }

    public OpportunityTrainingResult Result { get; }

    public void Dispose() => Db.Dispose();
}

/// <summary>
/// Boosting with the default config (issue 23.2; LightGBM): on the demo world, whose win model is additive, the booster's
/// CV AUC is within 0.005 of the better of the two algorithms and early stopping keeps it from overfitting; on a world
/// with an interaction no additive model can express, the booster beats the logistic regression and is chosen
/// (DemoGateTests checks the 500-account demo world, where the small-data settings apply). The same holds for FastTree
/// with the default config's settings for it (its own feature fraction, 0.1).
/// </summary>
public sealed class BoostingTests(GeneratedTrainingFixture additive, InteractionWorldFixture interaction, ITestOutputHelper output)
    : IClassFixture<GeneratedTrainingFixture>, IClassFixture<InteractionWorldFixture>
{
    [Fact]
    public void On_the_demo_world_boosting_is_within_half_a_point_of_the_best_cv_auc()
    {
        var r = additive.Run.Opportunity;
        var tree = r.BoostedCrossValidation.Auc.Mean;
        var linear = r.LogisticRegressionCrossValidation.Auc.Mean;
        output.WriteLine($"CV AUC booster {tree:0.0000} (train {r.BoostedCrossValidation.TrainAuc:0.0000}), logistic regression {linear:0.0000}");
        Assert.True(tree >= Math.Max(tree, linear) - 0.005, $"booster {tree:0.0000} vs logistic regression {linear:0.0000}");
    }

    [Fact]
    public void Early_stopping_keeps_fewer_trees_than_the_maximum_and_the_train_auc_near_the_cv_auc()
    {
        var r = additive.Run.Opportunity;
        var options = ProductData.DefaultConfig.Opportunity.Boosting;
        var refit = OpportunityFits.Fit(
            new FeatureSpec(r.Catalog, r.Metadata.CategoricalFeatures, r.Metadata.NumericFeatures, r.Metadata.MissingIndicators),
            ProductData.DefaultConfig.Opportunity, OpportunityFits.Booster(ProductData.DefaultConfig.Opportunity), [.. r.FittedRows], threads: 1);
        var kept = OpportunityFits.TreesKept(refit);
        var gap = r.BoostedCrossValidation.TrainAuc - r.BoostedCrossValidation.Auc.Mean;
        output.WriteLine($"{kept} of at most {options.NumberOfTrees} trees kept; train AUC - CV AUC = {gap:0.0000}");
        Assert.NotNull(kept);
        Assert.InRange(kept.Value.Trees, 1, options.NumberOfTrees - 1);
        Assert.True(gap < 0.05, $"train AUC {r.BoostedCrossValidation.TrainAuc:0.0000} vs CV AUC {r.BoostedCrossValidation.Auc.Mean:0.0000}");
    }

    [Fact]
    public void With_an_industry_by_size_interaction_boosting_beats_logistic_regression_and_is_chosen()
    {
        var r = interaction.Result;
        var tree = r.BoostedCrossValidation.Auc.Mean;
        var linear = r.LogisticRegressionCrossValidation.Auc.Mean;
        output.WriteLine($"CV AUC booster {tree:0.0000}, logistic regression {linear:0.0000}; chosen {r.Algorithm}; holdout AUC {r.Holdout.Auc:0.0000}");
        Assert.True(tree > linear + 0.01, $"booster {tree:0.0000} vs logistic regression {linear:0.0000}");
        Assert.Equal(Scoring.Opportunity.OpportunityModelMetadata.LightGbm, r.Algorithm);
    }

    [Fact]
    public void FastTree_at_its_default_settings_is_within_half_a_point_on_the_demo_world_and_beats_logistic_regression_with_the_interaction()
    {
        var onDemo = TrainFastTree(additive.Snapshot);
        var withInteraction = TrainFastTree(interaction.Snapshot);
        foreach (var (world, r) in new[] { ("demo", onDemo), ("interaction", withInteraction) })
        {
            output.WriteLine($"{world}: CV AUC FastTree {r.BoostedCrossValidation.Auc.Mean:0.0000} (train {r.BoostedCrossValidation.TrainAuc:0.0000}, feature fraction {r.Hyperparameters["FeatureFraction"]}), logistic regression {r.LogisticRegressionCrossValidation.Auc.Mean:0.0000}");
        }

        var (tree, linear) = (onDemo.BoostedCrossValidation.Auc.Mean, onDemo.LogisticRegressionCrossValidation.Auc.Mean);
        Assert.True(tree >= Math.Max(tree, linear) - 0.005, $"demo: FastTree {tree:0.0000} vs logistic regression {linear:0.0000}");
        (tree, linear) = (withInteraction.BoostedCrossValidation.Auc.Mean, withInteraction.LogisticRegressionCrossValidation.Auc.Mean);
        Assert.True(tree > linear + 0.01, $"interaction: FastTree {tree:0.0000} vs logistic regression {linear:0.0000}");
    }

    /// <summary>The default config's training with FastTree as the booster (forced, so its model is the one kept).</summary>
    internal static OpportunityTrainingResult TrainFastTree(string snapshot) => OpportunityModelTrainer.Train(
        FeatureSnapshot.ReadOpportunities(snapshot),
        ProductData.DefaultConfig.Opportunity with { Algorithm = Scoring.Opportunity.OpportunityModelMetadata.FastTree });
}
