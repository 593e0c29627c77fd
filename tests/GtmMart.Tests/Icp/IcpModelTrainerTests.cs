using GtmMart.Scoring.Icp;
using GtmMart.Tests.Support;
using GtmMart.Training.Icp;
using Xunit.Abstractions;

namespace GtmMart.Tests.Icp;

/// <summary>One trained model on 4,000 synthetic accounts, shared by the tests of this class.</summary>
public sealed class IcpTrainedFixture
{
    public IcpTrainedFixture()
    {
        Accounts = IcpTestAccounts.Build(4000);
        Result = IcpModelTrainer.Train(Accounts, Options);
    }

    public static IcpTrainingOptions Options { get; } = new() { Seed = 11 };

    public List<GtmMart.Scoring.Features.AccountFeatureRow> Accounts { get; }

    public IcpTrainingResult Result { get; }
}

public sealed class IcpModelTrainerTests(IcpTrainedFixture fixture, ITestOutputHelper output) : IClassFixture<IcpTrainedFixture>
{
    private IcpTrainingResult Result => fixture.Result;

    [Fact]
    public void Tier_win_rates_fall_from_A_to_D_and_A_is_at_least_three_times_D()
    {
        foreach (var t in Result.TierWinRates.Concat(Result.HoldoutTierWinRates))
        {
            output.WriteLine($"{t.Tier}: {t.WinRate:P1} of {t.ClosedOpportunities} closed, {t.LabelledAccounts}/{t.Accounts} accounts");
        }

        output.WriteLine($"AUC holdout {Result.HoldoutAuc:F3}, CV {Result.CrossValidationAuc}");
        Assert.True(Result.FitModelTrained);
        var rates = Result.TierWinRates.Select(t => t.WinRate ?? double.NaN).ToArray();
        Assert.All(Result.TierWinRates, t => Assert.True(t.LabelledAccounts >= 50, $"tier {t.Tier} has {t.LabelledAccounts} labelled accounts"));
        Assert.True(rates[0] > rates[1] && rates[1] > rates[2] && rates[2] > rates[3], string.Join(", ", rates));
        Assert.True(rates[0] >= 3 * rates[3], $"A {rates[0]:P1} vs D {rates[3]:P1}");
        Assert.InRange(Result.HoldoutAuc, 0.62, 1);
        Assert.InRange(Result.CrossValidationAuc.Mean, 0.62, 1);
    }

    [Fact]
    public void Fit_ignores_engagement_but_behaviour_follows_it()
    {
        var quiet = IcpTestAccounts.Copy(fixture.Accounts[0], a =>
        {
            a.Sessions90d = 0;
            a.FormSubmissions90d = 0;
            a.PricingVisits90d = 0;
            a.DemoVisits90d = 0;
            a.EnterpriseVisits90d = 0;
            a.EngagedContacts90d = 0;
            a.SeniorEngagedContacts90d = 0;
            a.DaysSinceLastSession = float.NaN;
            a.WonOpportunities = 0;
            a.LostOpportunities = 5;
            a.IcpLabel = false;
        });
        var busy = IcpTestAccounts.Copy(quiet, a =>
        {
            a.Sessions90d = 80;
            a.FormSubmissions90d = 6;
            a.PricingVisits90d = 9;
            a.DemoVisits90d = 5;
            a.EnterpriseVisits90d = 4;
            a.EngagedContacts90d = 7;
            a.SeniorEngagedContacts90d = 3;
            a.DaysSinceLastSession = 1;
            a.WonOpportunities = 5;
            a.LostOpportunities = 0;
            a.IcpLabel = true;
        });

        var scores = Result.Scorer.ScoreBatch([quiet, busy]);

        Assert.Equal(scores[0].FitScore, scores[1].FitScore);
        Assert.Equal(scores[0].Tier, scores[1].Tier);
        Assert.Equal(scores[0].Reasons, scores[1].Reasons);
        Assert.True(scores[1].BehaviourScore > scores[0].BehaviourScore + 50, $"{scores[0].BehaviourScore} -> {scores[1].BehaviourScore}");
    }

    [Fact]
    public void Accounts_without_opportunities_are_scored_from_firmographics()
    {
        var fresh = IcpTestAccounts.Copy(fixture.Accounts[1], a =>
        {
            a.OpportunityCount = 0;
            a.OpenOpportunities = 0;
            a.WonOpportunities = 0;
            a.LostOpportunities = 0;
            a.WinRate = float.NaN;
            a.IcpLabel = false;
            a.Industry = "Software";
            a.EmployeeBand = "200-999";
            a.EmployeeCount = 450;
            a.Region = "North America";
        });
        var poor = IcpTestAccounts.Copy(fresh, a =>
        {
            a.Industry = "Education";
            a.EmployeeBand = "1-49";
            a.EmployeeCount = 20;
            a.AnnualRevenueUsd = 3_000_000;
            a.Region = "APAC";
        });

        var scores = Result.Scorer.ScoreBatch([fresh, poor]);

        Assert.Equal(IcpTier.A, scores[0].Tier);
        Assert.Equal(IcpTier.D, scores[1].Tier);
        Assert.All(scores, s => Assert.InRange(s.FitScore, 0, 100));
        Assert.All(scores, s => Assert.InRange(s.BehaviourScore, 0, 100));
        Assert.All(scores, s => Assert.InRange(s.SegmentId, 1, 5));
        Assert.Contains(Result.Scores, s => s.AccountId == fixture.Accounts.First(a => !IcpModelTrainer.IsLabelled(a)).AccountId);
    }

    [Fact]
    public void Reasons_are_phrased_from_the_model()
    {
        var best = Result.Scorer.Score(IcpTestAccounts.Copy(fixture.Accounts[2], a =>
        {
            a.Industry = "Software";
            a.EmployeeBand = "200-999";
            a.EmployeeCount = 450;
        }));
        var worst = Result.Scorer.Score(IcpTestAccounts.Copy(fixture.Accounts[2], a => a.Industry = "Education"));

        foreach (var r in best.Reasons.Concat(worst.Reasons))
        {
            output.WriteLine(r);
        }

        Assert.All(Result.Scores, s => Assert.InRange(s.Reasons.Count, 1, 3));
        Assert.Contains("Industry: Software (wins more often)", best.Reasons);
        Assert.Contains("200-999 employees (wins more often)", best.Reasons);
        Assert.Contains("Industry: Education (wins less often)", worst.Reasons);
    }

    [Fact]
    public void Segments_have_profiles_and_are_deterministic_for_a_seed()
    {
        var again = IcpModelTrainer.Train(fixture.Accounts, IcpTrainedFixture.Options);

        Assert.Equal(5, Result.Segments.Count);
        Assert.Equal(Result.Scores.Select(s => s.SegmentId), again.Scores.Select(s => s.SegmentId));
        Assert.Equal(Result.Segments.Select(s => s.Name), again.Segments.Select(s => s.Name));
        Assert.Equal(Result.Segments.Select(s => s.Name).Distinct().Count(), Result.Segments.Count);
        Assert.Equal(fixture.Accounts.Count, Result.Segments.Sum(s => s.Accounts));
        foreach (var s in Result.Segments)
        {
            output.WriteLine($"{s.SegmentId} {s.Name}: {s.Accounts} accounts, win {s.WinRate:P1}, deal {s.AverageWonDealUsd:F0}, fit {s.AverageFitScore:F0}");
            Assert.Contains(s.DominantEmployeeBand, IcpTestAccounts.Bands.Select(b => b.Band));
            // Named by what sets it apart; where nothing does, the name says so rather than repeating the overall mode.
            Assert.True(s.Name.Contains("all industries", StringComparison.Ordinal) || IcpTestAccounts.Industries.Any(i => s.Name.Contains(i.Name, StringComparison.Ordinal)), s.Name);
            Assert.True(s.Name.Contains("all regions", StringComparison.Ordinal) || IcpTestAccounts.Regions.Any(r => s.Name.EndsWith(r.Name, StringComparison.Ordinal) || s.Name.Contains(r.Name + " (", StringComparison.Ordinal)), s.Name);
            Assert.NotNull(s.WinRate);
            Assert.NotNull(s.AverageWonDealUsd);
        }

        Assert.Equal(Result.Scores.Select(s => s.FitScore), again.Scores.Select(s => s.FitScore));
    }

    [Fact]
    public void Single_rows_through_the_engine_pool_score_like_a_batch_even_in_parallel()
    {
        using var dir = new TempDirectory();
        Result.Save(dir.Path);
        using var loaded = IcpScorer.Load(dir.Path);
        var accounts = fixture.Accounts.Take(300).ToList();
        Assert.True(accounts.Count >= IcpScorer.SmallBatch, "the batch must be large enough to take the DataView path");

        var batch = loaded.ScoreBatch(accounts);
        var single = new AccountScore[accounts.Count];
        Parallel.For(0, accounts.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => single[i] = loaded.Score(accounts[i]));
        for (var i = 0; i < accounts.Count; i++)
        {
            Assert.Equal(batch[i].AccountId, single[i].AccountId);
            Assert.Equal(batch[i].FitProbability, single[i].FitProbability, 6);
            Assert.Equal(batch[i].FitScore, single[i].FitScore);
            Assert.Equal(batch[i].SegmentId, single[i].SegmentId);
            Assert.Equal(batch[i].Reasons, single[i].Reasons);
        }
    }

    [Fact]
    public void Save_then_load_gives_identical_scores()
    {
        using var dir = new TempDirectory();
        Result.Save(dir.Path);

        using var loaded = IcpScorer.Load(dir.Path);
        var scores = loaded.ScoreBatch(fixture.Accounts);

        Assert.True(File.Exists(dir.File(IcpModelManifest.FitModelFileName)));
        Assert.Equal(Result.Scores.Count, scores.Count);
        for (var i = 0; i < scores.Count; i++)
        {
            Assert.Equal(Result.Scores[i].FitScore, scores[i].FitScore);
            Assert.Equal(Result.Scores[i].Tier, scores[i].Tier);
            Assert.Equal(Result.Scores[i].SegmentId, scores[i].SegmentId);
            Assert.Equal(Result.Scores[i].SegmentName, scores[i].SegmentName);
            Assert.Equal(Result.Scores[i].BehaviourScore, scores[i].BehaviourScore);
            Assert.Equal(Result.Scores[i].Reasons, scores[i].Reasons);
        }

        var parallel = new AccountScore[200];
        Parallel.For(0, parallel.Length, i => parallel[i] = loaded.Score(fixture.Accounts[i]));
        Assert.Equal(scores.Take(200).Select(s => s.FitScore), parallel.Select(s => s.FitScore));
        Assert.Equal(scores.Take(200).Select(s => s.SegmentId), parallel.Select(s => s.SegmentId));
    }

    [Fact]
    public void Missing_firmographics_fall_back_to_a_neutral_fit_with_a_warning()
    {
        var accounts = IcpTestAccounts.WithoutFirmographics(fixture.Accounts.Take(600));

        var result = IcpModelTrainer.Train(accounts, IcpTrainedFixture.Options);

        Assert.False(result.FitModelTrained);
        Assert.Contains(result.Warnings, w => w.Contains("cannot be trained", StringComparison.Ordinal) && w.Contains("constant", StringComparison.Ordinal));
        Assert.All(result.Scores, s =>
        {
            Assert.Equal(50, s.FitScore);
            Assert.Equal(IcpTier.C, s.Tier);
            Assert.NotEmpty(s.Reasons);
        });
        Assert.True(double.IsNaN(result.HoldoutAuc));
        Assert.Contains(result.Scores, s => s.BehaviourScore > 75);

        using var dir = new TempDirectory();
        result.Save(dir.Path);
        using var scorer = IcpScorer.Load(dir.Path);
        var loaded = scorer.Score(accounts[0]);
        Assert.Equal(IcpTier.C, loaded.Tier);
        Assert.Equal(result.Scores[0].SegmentId, loaded.SegmentId);
    }

    [Fact]
    public void Engagement_or_history_columns_are_rejected_as_fit_features()
    {
        var options = new IcpTrainingOptions { FitNumericFeatures = ["employee_count", "sessions_90d"] };

        Assert.Throws<ArgumentException>(() => IcpModelTrainer.Train(fixture.Accounts, options));
    }
}
