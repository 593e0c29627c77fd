using GtmMart.Scoring.Registry;
using GtmMart.Training.Evaluation;
using GtmMart.Training.Gate;

namespace GtmMart.Tests.Gate;

/// <summary>The promotion gate's rules, one at a time, on figures chosen to sit either side of each threshold.</summary>
public sealed class PromotionGateTests
{
    private static readonly GateOptions Options = new();

    [Fact]
    public void Enough_data_better_than_chance_and_well_calibrated_passes_as_good()
    {
        var decision = PromotionGate.Decide(Evidence(978, 834, Cv(0.816, 0.794, 0.836), 0.06), Options);

        Assert.True(decision.Passed);
        Assert.Equal(TrustVerdict.Good, decision.Verdict);
        Assert.StartsWith("passed: 978 won, 834 lost closed deals; CV AUC 0.816 [0.794, 0.836]", decision.Reason, StringComparison.Ordinal);
        Assert.Contains("ranks a won deal above a lost one 82% of the time", decision.VerdictReason, StringComparison.Ordinal);
        Assert.All(decision.Checks, c => Assert.True(c.Passed, c.Name));
        Assert.Null(decision.Champion);
    }

    [Theory]
    [InlineData(49, 400)]
    [InlineData(400, 49)]
    public void Fewer_examples_of_a_class_than_the_floor_are_refused(int won, int lost)
    {
        var decision = PromotionGate.Decide(Evidence(won, lost, Cv(0.8, 0.75, 0.85), 0.03), Options);

        Assert.False(decision.Passed);
        Assert.Equal(TrustVerdict.Weak, decision.Verdict);
        Assert.StartsWith($"refused: too little data ({won} won and {lost} lost closed deals; at least 50 of each are needed)", decision.Reason, StringComparison.Ordinal);
        Assert.Contains("learned from only", decision.VerdictReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.417)]
    [InlineData(double.NaN)]
    public void A_cv_interval_reaching_chance_is_refused_as_no_better_than_chance(double lower)
    {
        var decision = PromotionGate.Decide(Evidence(300, 300, Cv(double.IsNaN(lower) ? double.NaN : 0.504, lower, 0.592), 0.05), Options);

        Assert.False(decision.Passed);
        Assert.Equal(TrustVerdict.NoBetterThanChance, decision.Verdict);
        Assert.Contains("no better than chance", decision.Reason, StringComparison.Ordinal);
        Assert.False(Assert.Single(decision.Checks, c => c.Name == "better than chance").Passed);
    }

    [Theory]
    [InlineData(150, 0.75, 0.05, "learned from only 150 won")]
    [InlineData(300, 0.62, 0.05, "only a little better than chance")]
    [InlineData(300, 0.75, 0.15, "off by 15 points")]
    public void Passing_but_below_a_good_level_is_weak_and_says_why(int perClass, double lower, double ece, string why)
    {
        var decision = PromotionGate.Decide(Evidence(perClass, perClass, Cv(lower + 0.03, lower, lower + 0.06), ece), Options);

        Assert.True(decision.Passed);
        Assert.Equal(TrustVerdict.Weak, decision.Verdict);
        Assert.StartsWith("Better than chance but weak: ", decision.VerdictReason, StringComparison.Ordinal);
        Assert.Contains(why, decision.VerdictReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-0.019, 0.019, true)]
    [InlineData(-0.021, 0.0, false)]
    [InlineData(0.05, 0.021, false)]
    public void A_candidate_is_compared_with_the_active_version_on_the_same_rows_within_the_tolerances(double deltaAuc, double deltaEce, bool passes)
    {
        var (labels, champion) = Scores(400, seed: 1);
        var candidate = Shifted(labels, champion, deltaAuc, deltaEce);
        var evidence = Evidence(500, 500, Cv(0.8, 0.78, 0.82), 0.05) with
        {
            Champion = new ChampionEvidence("v0001", ModelKind.Model, labels, candidate, champion, InSample: false, labels.Count),
        };

        var decision = PromotionGate.Decide(evidence, Options);

        var c = decision.Champion!;
        Assert.Equal(400, c.Rows);
        Assert.Equal(c.CandidateAuc - c.ChampionAuc, c.DeltaAuc, 12);
        Assert.Equal(deltaAuc, c.DeltaAuc, 2);
        Assert.Equal(passes, decision.Passed);
        Assert.Equal(passes, Assert.Single(decision.Checks, k => k.Name == "champion/challenger").Passed);
        if (!passes)
        {
            Assert.Contains("worse than active v0001 on the 400 newest closed deals", decision.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_active_version_that_cannot_be_scored_or_a_one_class_holdout_refuses_the_candidate()
    {
        var (labels, champion) = Scores(100, seed: 2);
        var broken = PromotionGate.Decide(
            Evidence(500, 500, Cv(0.8, 0.78, 0.82), 0.05) with { Champion = new ChampionEvidence("v0003", ModelKind.Model, labels, champion, [], false, labels.Count, "model.zip is missing") },
            Options);
        Assert.False(broken.Passed);
        Assert.Contains("the active v0003 could not be scored on the same rows (model.zip is missing)", broken.Reason, StringComparison.Ordinal);

        var allWon = labels.Select(_ => true).ToList();
        var oneClass = PromotionGate.Decide(
            Evidence(500, 500, Cv(0.8, 0.78, 0.82), 0.05) with { Champion = new ChampionEvidence("v0003", ModelKind.Model, allWon, champion, champion, false, allWon.Count) },
            Options);
        Assert.False(oneClass.Passed);
        Assert.Contains("are all won, so AUC cannot compare", oneClass.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_auc_interval_is_hanley_and_mcneil_s_as_docs_models_quotes_it()
    {
        // docs/MODELS.md: at AUC 0.75 the standard error is 0.049 with 50 of each class and 0.024 with 200 of each.
        var (lower, upper) = PromotionGate.AucInterval(0.75, 50, 50);
        Assert.Equal(0.049, (upper - lower) / 2 / 1.959964, 3);
        var (lower200, upper200) = PromotionGate.AucInterval(0.75, 200, 200);
        Assert.Equal(0.024, (upper200 - lower200) / 2 / 1.959964, 3);
        Assert.True(double.IsNaN(PromotionGate.AucInterval(0.75, 0, 10).Lower));
        Assert.Equal(1, PromotionGate.AucInterval(0.99, 5, 5).Upper);
    }

    [Fact]
    public void Folds_that_agree_do_not_hide_the_sampling_error_of_a_small_data_set()
    {
        // The example exports: a one-split booster scored every fold alike (folds' interval [0.506, 0.569]) on 80 won
        // and 72 lost deals, where one AUC's sampling error alone spans chance; the gate judges the wider interval.
        var small = PromotionGate.Decide(Evidence(80, 72, Cv(0.538, 0.506, 0.569), 0.08), Options);
        Assert.False(small.Passed);
        Assert.Equal(TrustVerdict.NoBetterThanChance, small.Verdict);
        Assert.StartsWith("refused: no better than chance (CV AUC 0.538 [0.446, 0.630]", small.Reason, StringComparison.Ordinal);

        // The same folds' figures on 3,000 of each class: the sampling interval is inside the folds', which stands.
        var large = PromotionGate.Decide(Evidence(3000, 3000, Cv(0.538, 0.506, 0.569), 0.08), Options);
        Assert.True(large.Passed);
        Assert.Contains("CV AUC 0.538 [0.506, 0.569]", large.Reason, StringComparison.Ordinal);
    }

    private static GateEvidence Evidence(int won, int lost, MetricInterval cv, double ece) =>
        new(GateWording.Deals, won, lost, cv, ece, null);

    private static MetricInterval Cv(double mean, double lower, double upper) => new(mean, (upper - lower) / 3.92 * Math.Sqrt(5), lower, upper, 5);

    /// <summary>Labels and a champion's probabilities with AUC about 0.75 and good calibration.</summary>
    private static (List<bool> Labels, List<float> Champion) Scores(int n, int seed)
    {
        var rng = new Random(seed);
        var labels = new List<bool>();
        var p = new List<float>();
        for (var i = 0; i < n; i++)
        {
            var q = 0.1 + (0.8 * rng.NextDouble());
            labels.Add(rng.NextDouble() < q);
            p.Add((float)q);
        }

        return (labels, p);
    }

    /// <summary>
    /// The champion's probabilities with their AUC moved by about <paramref name="deltaAuc"/> (by pushing a fraction of
    /// rows toward or away from their label, found by bisection) and then shifted to add <paramref name="deltaEce"/>.
    /// </summary>
    private static List<float> Shifted(List<bool> labels, List<float> champion, double deltaAuc, double deltaEce)
    {
        var baseAuc = BinaryMetrics.Auc([.. champion.Select(x => (double)x)], labels);
        var baseEce = BinaryMetrics.Compute([.. champion.Select((x, i) => (x, labels[i]))]).Ece;
        List<float> Move(double t) => [.. champion.Select((x, i) => (float)Math.Clamp(x + (t * ((labels[i] ? 1 : -1) + (0.7 * Math.Sin(i)))), 0.001, 0.999))];
        double lo = -0.5, hi = 0.5;
        for (var k = 0; k < 60; k++)
        {
            var mid = (lo + hi) / 2;
            if (BinaryMetrics.Auc([.. Move(mid).Select(x => (double)x)], labels) - baseAuc < deltaAuc)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        var moved = Move((lo + hi) / 2);
        if (deltaEce == 0)
        {
            return moved;
        }

        // ECE of a uniform shift: bisect the shift that adds the wanted calibration error (AUC is unchanged by it).
        double a = 0, b = 0.5;
        for (var k = 0; k < 60; k++)
        {
            var mid = (a + b) / 2;
            var ece = BinaryMetrics.Compute([.. moved.Select((x, i) => ((float)Math.Clamp(x + mid, 0.001, 0.999), labels[i]))]).Ece;
            if (ece - baseEce < deltaEce)
            {
                a = mid;
            }
            else
            {
                b = mid;
            }
        }

        return [.. moved.Select(x => (float)Math.Clamp(x + ((a + b) / 2), 0.001, 0.999))];
    }
}
