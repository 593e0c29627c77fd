using System.Text.Json.Nodes;
using GtmMart.Scoring.Features;
using GtmMart.Scoring.Registry;
using GtmMart.Tests.Support;
using GtmMart.Training;
using GtmMart.Training.Export;
using Xunit.Abstractions;

namespace GtmMart.Tests.Gate;

/// <summary>
/// The demo data (<c>gtm run</c>'s: 500 accounts, seed 42) taken through the product once. A first version is trained
/// on the older 55% of its history (the champion), then the whole of it (a retrain with more data), which the gate
/// compares with the champion on its newest holdout and must promote.
/// </summary>
public sealed class DemoGateFixture : IDisposable
{
    public DemoGateFixture()
    {
        var data = ProductData.Prepare(Db, accounts: 500, seed: 42);
        Snapshot = data.Snapshot;
        Manifest = ExportManifest.Verify(Snapshot);
        Registry = new ModelRegistry(Db.Folder.Sub("models"));

        var rows = FeatureSnapshot.ReadOpportunities(Snapshot);
        var first = rows.Min(r => r.CreatedDate);
        Cutoff = first.AddDays(0.55 * (rows.Max(r => r.CreatedDate) - first).TotalDays);
        var older = rows.Where(r => r.CreatedDate < Cutoff).ToList();
        Champion = TrainingPipeline.Run(
            Manifest with { SnapshotHash = "older-55-percent", SourceBuildId = 0 }, older, FeatureSnapshot.ReadAccounts(Snapshot), ProductData.DefaultConfig, Registry);
        Run = TrainingPipeline.Run(Snapshot, ProductData.DefaultConfig, Registry);
    }

    public TestWarehouse Db { get; } = new();

    public string Snapshot { get; }

    public ExportManifest Manifest { get; }

    public DateTime Cutoff { get; }

    public ModelRegistry Registry { get; }

    public TrainingRun Champion { get; }

    public TrainingRun Run { get; }

    public void Dispose() => Db.Dispose();
}

public sealed class DemoGateTests(DemoGateFixture demo, ITestOutputHelper output) : IClassFixture<DemoGateFixture>, IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void On_the_500_account_demo_the_booster_is_within_half_a_point_of_the_best_cv_auc()
    {
        // Issue 23.2 on the demo generator's default world: 1,450 training rows, so the booster grows the small-data stumps.
        var r = demo.Run.Opportunity;
        var boosted = r.BoostedCrossValidation.Auc.Mean;
        var linear = r.LogisticRegressionCrossValidation.Auc.Mean;
        output.WriteLine($"CV AUC {r.Hyperparameters.GetValueOrDefault("Booster", "booster")} {boosted:0.0000} (train {r.BoostedCrossValidation.TrainAuc:0.0000}), logistic regression {linear:0.0000}");
        Assert.True(boosted >= Math.Max(boosted, linear) - 0.005, $"booster {boosted:0.0000} vs logistic regression {linear:0.0000}");
    }

    [Fact]
    public void On_the_500_account_demo_FastTree_at_its_default_settings_is_within_half_a_point_of_the_best_cv_auc()
    {
        var r = Training.BoostingTests.TrainFastTree(demo.Snapshot);
        var boosted = r.BoostedCrossValidation.Auc.Mean;
        var linear = r.LogisticRegressionCrossValidation.Auc.Mean;
        output.WriteLine($"CV AUC FastTree {boosted:0.0000} (train {r.BoostedCrossValidation.TrainAuc:0.0000}, feature fraction {r.Hyperparameters["FeatureFraction"]}), logistic regression {linear:0.0000}");
        Assert.True(boosted >= Math.Max(boosted, linear) - 0.005, $"FastTree {boosted:0.0000} vs logistic regression {linear:0.0000}");
    }

    [Fact]
    public void The_demo_model_passes_the_gate_as_good_and_a_retrain_on_more_data_replaces_the_champion()
    {
        var champion = demo.Champion.OpportunityOutcome.Candidate!;
        Assert.True(champion.IsActive || demo.Run.OpportunityOutcome.Activated, "the older-data model was activated first");
        var candidate = demo.Run.OpportunityOutcome.Candidate!;
        var gate = candidate.Card.Gate!;
        output.WriteLine($"champion {champion.Version}: {champion.Card.Gate!.Reason}");
        output.WriteLine($"candidate {candidate.Version}: {gate.Reason}");

        Assert.True(gate.Passed, gate.Reason);
        Assert.True(demo.Run.OpportunityOutcome.Activated);
        Assert.Equal(candidate.Version, demo.Registry.Active(TrainingPipeline.OpportunityModel)!.Version);
        Assert.Equal(TrustVerdict.Good, gate.Verdict);
        Assert.True(demo.Run.Opportunity.Won >= 200 && demo.Run.Opportunity.Lost >= 200);
        Assert.True(demo.Run.Opportunity.CrossValidation.Auc.Lower > 0.7, demo.Run.Opportunity.CrossValidation.Auc.ToString());

        // Champion/challenger on the candidate's newest holdout, which the champion (fitted on older deals) never saw.
        var c = gate.Champion!;
        Assert.Equal(champion.Version, c.ChampionVersion);
        Assert.False(c.InSample);
        Assert.Equal(demo.Run.Opportunity.HoldoutRows.Count, c.Rows);
        Assert.True(demo.Run.Opportunity.HoldoutRows.Min(r => r.CreatedDate) >= demo.Cutoff);
        Assert.True(c.DeltaAuc >= -c.AucTolerance && c.DeltaEce <= c.EceTolerance, gate.Reason);
        Assert.Equal(demo.Run.Opportunity.Holdout.Auc, c.CandidateAuc, 6);

        // The registry says where each version's data came from and why it stands where it does.
        var card = demo.Registry.Active(TrainingPipeline.OpportunityModel)!.Card;
        Assert.Equal(demo.Manifest.Source, card.SourceWarehouse);
        Assert.StartsWith("duckdb:", card.SourceWarehouse, StringComparison.Ordinal);
        Assert.Equal(demo.Manifest.SourceBuildId, card.SourceBuildId);
        Assert.Equal(demo.Manifest.SnapshotHash, card.DataHash);
        var replaced = VersionStatus.Of(demo.Registry.Get(champion.Model, champion.Version), demo.Registry.Events(champion.Model));
        Assert.Equal(VersionStatus.Candidate, replaced.Status);
        Assert.StartsWith($"was active until {candidate.Version} replaced it", replaced.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void On_the_demo_data_all_four_icp_tiers_hold_accounts_and_the_win_rate_falls_from_a_to_d()
    {
        var icp = demo.Run.Icp;
        var card = demo.Run.IcpOutcome.Candidate!.Card;
        foreach (var (name, tiers) in new[] { ("all labelled accounts", icp.TierWinRates), ("holdout", icp.HoldoutTierWinRates) })
        {
            output.WriteLine($"{name}: {string.Join(", ", tiers.Select(t => $"{t.Tier} {t.Accounts} accounts {t.WinRate:P1}"))}");
            Assert.Equal(["A", "B", "C", "D"], tiers.Select(t => t.Tier.ToString()));
            Assert.All(tiers, t => Assert.True(t.LabelledAccounts > 0, $"{name}: tier {t.Tier} holds no labelled account"));
            var rates = tiers.Select(t => t.WinRate!.Value).ToArray();
            Assert.True(rates[0] > rates[1] && rates[1] > rates[2] && rates[2] > rates[3], $"{name}: {string.Join(" / ", rates)}");
        }

        // The card reports accounts and holdout win rate per tier, and what each tier means in odds.
        var holdout = Assert.IsType<JsonArray>(card.Metrics["holdout_tier_win_rates"]);
        Assert.Equal(4, holdout.Count);
        Assert.All(holdout, t => Assert.NotNull(t!["accounts"]));
        var meanings = Assert.IsType<JsonArray>(card.Metrics["tiers"]).Select(t => (string)t!["meaning"]!).ToList();
        Assert.Equal("at least 2x the typical account's odds of becoming a customer", meanings[0]);
        Assert.Equal("below 0.5x the typical account's odds of becoming a customer", meanings[3]);
    }

    [Fact]
    public void A_label_shuffled_copy_of_the_demo_data_is_refused_and_the_demo_versions_stay_active()
    {
        var registry = CopyOfRegistry();
        var activeBefore = (registry.Active(TrainingPipeline.OpportunityModel)!.Version, registry.Active(TrainingPipeline.IcpModel)!.Version);
        var opportunities = FeatureSnapshot.ReadOpportunities(demo.Snapshot).ToList();
        var accounts = FeatureSnapshot.ReadAccounts(demo.Snapshot).ToList();
        var rng = new Random(2026);
        Permute(opportunities.Where(r => r.IsClosed).ToList(), rng, (a, b) => (a.Label, b.Label) = (b.Label, a.Label));
        Permute(accounts.Where(a => a.WonOpportunities + a.LostOpportunities > 0).ToList(), rng, (a, b) =>
        {
            (a.IcpLabel, b.IcpLabel) = (b.IcpLabel, a.IcpLabel);
            (a.WonOpportunities, b.WonOpportunities) = (b.WonOpportunities, a.WonOpportunities);
            (a.LostOpportunities, b.LostOpportunities) = (b.LostOpportunities, a.LostOpportunities);
        });

        var run = TrainingPipeline.Run(demo.Manifest with { SnapshotHash = "label-shuffled" }, opportunities, accounts, ProductData.DefaultConfig, registry);

        foreach (var outcome in new[] { run.OpportunityOutcome, run.IcpOutcome })
        {
            var gate = outcome.Candidate!.Card.Gate!;
            output.WriteLine($"{outcome.Model} {outcome.Candidate.Version}: {gate.Reason}");
            Assert.False(gate.Passed);
            Assert.False(outcome.Activated);
            Assert.Contains("no better than chance", gate.Reason, StringComparison.Ordinal);
            Assert.Equal(TrustVerdict.NoBetterThanChance, gate.Verdict);
            Assert.Null(outcome.Baseline);
        }

        Assert.Equal(activeBefore, (registry.Active(TrainingPipeline.OpportunityModel)!.Version, registry.Active(TrainingPipeline.IcpModel)!.Version));
    }

    private ModelRegistry CopyOfRegistry()
    {
        var target = dir.Sub("models");
        foreach (var file in Directory.GetFiles(demo.Registry.Root, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(demo.Registry.Root, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        return new ModelRegistry(target);
    }

    /// <summary>A seeded Fisher-Yates shuffle of one attribute across <paramref name="rows"/>, by swaps.</summary>
    private static void Permute<T>(List<T> rows, Random rng, Action<T, T> swap)
    {
        for (var i = rows.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            if (j != i)
            {
                swap(rows[i], rows[j]);
            }
        }
    }
}
