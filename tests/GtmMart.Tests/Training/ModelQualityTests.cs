using GtmMart.Scoring.Icp;
using GtmMart.Scoring.Opportunity;
using GtmMart.Scoring.Registry;
using GtmMart.Training;
using GtmMart.Training.Export;

namespace GtmMart.Tests.Training;

/// <summary>
/// The acceptance figures of the training pipeline on generated data (at least 20k closed opportunities): AUC within
/// 5% of what the generator's true probabilities reach on the same holdout, calibration error at most 0.05, and real
/// win rate falling from ICP tier A to D with A at least 3x D.
/// </summary>
public sealed class ModelQualityTests(GeneratedTrainingFixture data) : IClassFixture<GeneratedTrainingFixture>
{
    [Fact]
    public void The_data_set_has_at_least_20k_closed_opportunities()
    {
        Assert.True(data.Run.Opportunity.Won + data.Run.Opportunity.Lost >= 20_000, $"{data.Run.Opportunity.Won + data.Run.Opportunity.Lost} closed");
    }

    [Fact]
    public void Holdout_auc_is_at_least_95_percent_of_the_true_probability_auc()
    {
        var truth = data.Run.GroundTruth!;

        Assert.True(truth.Rows > 3_000, $"{truth.Rows} holdout rows");
        Assert.True(truth.AucRatio >= 0.95, $"model AUC {truth.ModelAuc:F3} vs true-p AUC {truth.TrueProbabilityAuc:F3}");
    }

    [Fact]
    public void Holdout_calibration_error_is_at_most_5_points()
    {
        Assert.True(data.Run.Opportunity.Holdout.Ece <= 0.05, $"ECE {data.Run.Opportunity.Holdout.Ece:F3}");
    }

    [Fact]
    public void The_closed_lost_amount_leak_is_caught_and_left_out()
    {
        Assert.Contains(data.Run.Opportunity.DroppedFeatures, d => d.Feature == "amount_usd" && d.Reason.Contains("leak", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("amount_usd", data.Run.Opportunity.FeaturesUsed);
    }

    [Fact]
    public void Real_win_rate_falls_from_tier_A_to_D_and_the_odds_in_A_are_at_least_four_times_those_in_D()
    {
        var rates = data.Run.Icp.TierWinRates.ToDictionary(t => t.Tier, t => t.WinRate ?? double.NaN);

        Assert.True(rates[IcpTier.A] > rates[IcpTier.B] && rates[IcpTier.B] > rates[IcpTier.C] && rates[IcpTier.C] > rates[IcpTier.D],
            string.Join(", ", rates.Select(r => $"{r.Key} {r.Value:P1}")));
        // A means at least 2x the typical odds and D under 0.5x, so A's odds are at least 4x D's (here of winning a deal).
        static double Odds(double p) => p / (1 - p);
        Assert.True(Odds(rates[IcpTier.A]) >= 4 * Odds(rates[IcpTier.D]), $"A {rates[IcpTier.A]:P1} vs D {rates[IcpTier.D]:P1}");
    }

    [Fact]
    public void Registered_models_load_from_disk_and_explain_their_scores()
    {
        var scorer = OpportunityScorer.Load(Path.Combine(data.Run.OpportunityVersion.Directory, "model.zip"));
        var open = FeatureSnapshot.ReadOpportunities(data.Snapshot).Where(r => !r.IsClosed).Take(50).ToList();
        var scores = scorer.ScoreBatch(open);

        Assert.Equal(open.Count, scores.Count);
        Assert.All(scores, s => Assert.InRange(s.Score, 1, 99));
        Assert.Contains(scores, s => s.TopPositive.Count > 0 && s.TopNegative.Count > 0);
        var icp = IcpScorer.Load(data.Run.IcpVersion.Directory);
        var account = icp.Score(FeatureSnapshot.ReadAccounts(data.Snapshot)[0]);
        Assert.InRange(account.FitScore, 0, 100);
        Assert.NotEmpty(account.Reasons);
    }

    [Fact]
    public void The_same_snapshot_config_and_seed_give_identical_metrics()
    {
        var config = TrainingConfig.Load(Path.Combine(Support.RepoPaths.Root, TrainingConfig.DefaultPath));
        var again = TrainingPipeline.Run(data.Snapshot, config, new ModelRegistry(data.Db.Folder.Sub("models-again")), data.Generated.GroundTruthPath);

        Assert.Equal(data.Run.OpportunityVersion.Card.Metrics.ToJsonString(), again.OpportunityVersion.Card.Metrics.ToJsonString());
        Assert.Equal(data.Run.IcpVersion.Card.Metrics.ToJsonString(), again.IcpVersion.Card.Metrics.ToJsonString());
        Assert.Equal(data.Run.OpportunityVersion.Card.DataHash, again.OpportunityVersion.Card.DataHash);
    }
}
