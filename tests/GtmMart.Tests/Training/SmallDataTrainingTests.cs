using GtmMart.Scoring.Baseline;
using GtmMart.Scoring.Features;
using GtmMart.Scoring.Registry;
using GtmMart.Serving;
using GtmMart.Tests.Icp;
using GtmMart.Tests.Opportunity;
using GtmMart.Tests.Support;
using GtmMart.Training;
using GtmMart.Training.Export;

namespace GtmMart.Tests.Training;

/// <summary>
/// Small data never crashes: from 0 closed deals upward, with one class only and with a single account, training
/// either trains and gates (refused below the gate's floor) or reports in one line what is missing; whenever no
/// trustworthy model is active the honest win-rate baseline is (when there is any closed deal), and the registered
/// versions load for scoring.
/// </summary>
public sealed class SmallDataTrainingTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    public void Too_few_closed_deals_to_train_say_what_is_missing_and_fall_back_to_the_baseline(int closed)
    {
        var (run, registry) = Train(Deals(closed, wonShare: 0.5), IcpTestAccounts.Build(40));

        Assert.Null(run.OpportunityResult);
        Assert.Null(run.OpportunityOutcome.Candidate);
        var why = run.OpportunityOutcome.NotTrained!;
        Assert.DoesNotContain('\n', why);
        Assert.Matches($@"^cannot train opportunity scoring: \d+ won and \d+ lost closed opportunities", why);
        Assert.Contains("at least 5 of each", why, StringComparison.Ordinal);
        Assert.Throws<TrainingDataException>(() => run.Opportunity);

        var active = registry.Active(TrainingPipeline.OpportunityModel);
        if (closed == 0)
        {
            // No history at all: no baseline can be honest, so there are no opportunity scores (but account scores).
            Assert.Null(active);
            Assert.Empty(registry.Versions(TrainingPipeline.OpportunityModel));
            using var models = ModelSet.LoadActive(registry);
            Assert.False(models.HasOpportunity);
            Assert.Contains("has no versions", Assert.Throws<ServingException>(() => models.Opportunity).Message, StringComparison.Ordinal);
            Assert.True(models.HasIcp);
            return;
        }

        AssertBaselineActive(registry, run, closed);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(60)]
    public void A_model_trained_on_few_closed_deals_is_registered_refused_and_the_baseline_serves(int closed)
    {
        var (run, registry) = Train(Deals(closed, wonShare: 0.5), IcpTestAccounts.Build(40));

        var candidate = run.OpportunityOutcome.Candidate!;
        Assert.Equal(closed, run.Opportunity.Won + run.Opportunity.Lost);
        Assert.False(candidate.IsActive);
        var gate = candidate.Card.Gate!;
        Assert.False(gate.Passed);
        Assert.StartsWith("refused: too little data", gate.Reason, StringComparison.Ordinal);
        Assert.False(Assert.Single(gate.Checks, c => c.Name == "enough examples of each class").Passed);
        Assert.NotEqual(TrustVerdict.Good, candidate.Card.Trust);

        // The card (with its NaN metrics of tiny folds) was written and reads back: the old infinity crash.
        var reread = ModelCard.Read(Path.Combine(candidate.Directory, ModelRegistry.CardFile));
        Assert.Equal(gate.Reason, reread.Gate!.Reason);
        Assert.Equal(VersionStatus.Refused, VersionStatus.Of(registry.Get(candidate.Model, candidate.Version), registry.Events(candidate.Model)).Status);

        AssertBaselineActive(registry, run, closed);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void One_class_data_is_not_trained_and_says_which_class_is_missing(bool allWon)
    {
        var (run, registry) = Train(Deals(60, wonShare: allWon ? 1 : 0), IcpTestAccounts.Build(40));

        Assert.Null(run.OpportunityOutcome.Candidate);
        Assert.Contains(allWon ? "60 won and 0 lost" : "0 won and 60 lost", run.OpportunityOutcome.NotTrained, StringComparison.Ordinal);
        var baseline = AssertBaselineActive(registry, run, 60);
        Assert.Equal(allWon ? 1.0 : 0.0, baseline.Overall.Rate);
        Assert.True(baseline.Overall.Lower is > 0 and < 1 || baseline.Overall.Upper is > 0 and < 1, "the interval says how uncertain 60 deals are");
    }

    [Fact]
    public void A_single_account_trains_without_crashing_and_gets_the_neutral_icp_baseline()
    {
        var account = IcpTestAccounts.Build(1)[0];
        var deals = Deals(6, wonShare: 0.5);
        foreach (var d in deals)
        {
            d.AccountId = account.AccountId;
        }

        var (run, registry) = Train(deals, [account]);

        Assert.NotNull(run.OpportunityOutcome.NotTrained);
        var icp = run.IcpOutcome.Candidate!;
        Assert.Equal(ModelKind.Baseline, icp.Card.Kind);
        Assert.True(icp.IsActive);
        Assert.Contains("neutral fit", icp.Card.TrustReason, StringComparison.Ordinal);
        using var models = ModelSet.LoadActive(registry);
        Assert.Equal(50, models.Icp.Score(account).FitScore);
        Assert.Contains("Baseline, not a model", models.Opportunity.Score(deals[0]).TopPositive.Concat(models.Opportunity.Score(deals[0]).TopNegative).Single().Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_accounts_the_icp_says_so_in_one_line()
    {
        var (run, _) = Train(Deals(5, wonShare: 0.5), []);

        Assert.Null(run.IcpOutcome.Candidate);
        Assert.Equal("cannot train the ICP model: the snapshot holds no accounts", run.IcpOutcome.NotTrained);
    }

    private static WinRateBaseline AssertBaselineActive(ModelRegistry registry, TrainingRun run, int closed)
    {
        var active = registry.Active(TrainingPipeline.OpportunityModel)!;
        Assert.Equal(ModelKind.Baseline, active.Card.Kind);
        Assert.Equal(TrustVerdict.BaselineOnly, active.Card.Trust);
        Assert.Equal(run.OpportunityOutcome.Baseline?.Version, active.Version);
        Assert.Equal(Actions.Baseline, registry.LastActivation(active.Model, active.Version)!.Action);
        var baseline = WinRateBaseline.Load(active.Directory);
        Assert.Equal(closed, baseline.Overall.Closed);

        using var models = ModelSet.LoadActive(registry);
        var open = new OpportunityFeatureRow { OpportunityId = "OPEN-1", ["channel"] = "Partner" };
        var score = models.Opportunity.Score(open);
        Assert.Equal(baseline.RateOf("Partner").Rate.Rate, score.Probability, 10);
        var reason = Assert.Single(score.TopPositive.Concat(score.TopNegative));
        Assert.StartsWith("Baseline, not a model:", reason.Text, StringComparison.Ordinal);
        Assert.Contains("95% interval", reason.Text, StringComparison.Ordinal);
        return baseline;
    }

    private (TrainingRun Run, ModelRegistry Registry) Train(List<OpportunityFeatureRow> deals, List<AccountFeatureRow> accounts)
    {
        var registry = new ModelRegistry(dir.Sub("models"));
        var snapshot = new ExportManifest(DateTime.UtcNow, "test:small-data", 1, [], $"small-{deals.Count}-{accounts.Count}");
        var run = TrainingPipeline.Run(snapshot, deals, accounts, ProductData.DefaultConfig, registry);
        return (run, registry);
    }

    /// <summary><paramref name="closed"/> closed deals (a share won, the rest lost), oldest first, plus three open ones.</summary>
    private static List<OpportunityFeatureRow> Deals(int closed, double wonShare)
    {
        var rows = SyntheticOpportunities.Generate(closed + 40, seed: 3).Select(s => s.Row).ToList();
        var deals = rows.Take(closed).ToList();
        for (var i = 0; i < deals.Count; i++)
        {
            // round((i + 1) × share) − round(i × share) winners among the first i + 1: exactly the share, spread over time.
            deals[i].IsClosed = true;
            deals[i].Label = (int)Math.Floor((i + 1) * wonShare) > (int)Math.Floor(i * wonShare);
        }

        foreach (var open in rows.Skip(closed).Take(3))
        {
            open.IsClosed = false;
            open.Label = false;
            deals.Add(open);
        }

        return deals;
    }
}
