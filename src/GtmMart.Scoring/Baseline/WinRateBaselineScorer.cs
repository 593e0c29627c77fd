using GtmMart.Scoring.Features;
using GtmMart.Scoring.Opportunity;

namespace GtmMart.Scoring.Baseline;

/// <summary>
/// Scores opportunities with a <see cref="WinRateBaseline"/>: the probability is the historical win rate of the
/// deal's channel (or the overall one), and the only reason given says so, with its interval, beginning
/// "Baseline, not a model". It is listed among the positive reasons when the rate is at least the overall rate, else
/// among the negative ones; its contribution is the rate's log-odds against the overall rate (0 for the overall rate).
/// </summary>
public sealed class WinRateBaselineScorer(WinRateBaseline baseline) : IOpportunityScorer
{
    /// <summary>The feature name of the baseline's reason.</summary>
    public const string Feature = "baseline";

    /// <summary>The family of the baseline's reason: it is the channel's win rate.</summary>
    public const string Family = "channel";

    public WinRateBaseline Baseline { get; } = baseline ?? throw new ArgumentNullException(nameof(baseline));

    public static WinRateBaselineScorer Load(string directory) => new(WinRateBaseline.Load(directory));

    /// <summary>The channels with a win rate of their own (any other channel gets the overall rate).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> KnownCategories => new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["channel"] = [.. Baseline.Channels
            .Where(c => c.Channel != WinRateBaseline.NoChannel && c.WinRate.Closed >= Baseline.MinimumDealsPerChannel)
            .Select(c => c.Channel)
            .Order(StringComparer.Ordinal)],
    };

    public OpportunityScore Score(OpportunityFeatureRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var (rate, channel) = Baseline.RateOf(row["channel"].Text);
        var text = channel is not null
            ? $"Baseline, not a model: {channel} deals were won {rate.OfTheTime()}"
            : $"Baseline, not a model: deals were won {rate.OfTheTime()}; {Describe(row["channel"].Text)} has too few closed deals (under {Baseline.MinimumDealsPerChannel}) for a rate of its own";
        var contribution = Logit(rate.Rate) - Logit(Baseline.Overall.Rate);
        var factor = new OpportunityFactor(Family, Feature, text, double.IsFinite(contribution) ? contribution : 0);
        return rate.Rate >= Baseline.Overall.Rate
            ? new OpportunityScore(row.OpportunityId, OpportunityScore.ToScore(rate.Rate), rate.Rate, [factor], [])
            : new OpportunityScore(row.OpportunityId, OpportunityScore.ToScore(rate.Rate), rate.Rate, [], [factor]);
    }

    public IReadOnlyList<OpportunityScore> ScoreBatch(IReadOnlyList<OpportunityFeatureRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return [.. rows.Select(Score)];
    }

    public IReadOnlyList<float> PredictProbabilities(IReadOnlyList<OpportunityFeatureRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return [.. rows.Select(r => (float)Baseline.RateOf(r["channel"].Text).Rate.Rate)];
    }

    /// <summary>Nothing to release.</summary>
    public void Dispose()
    {
    }

    private static string Describe(string? channel) =>
        string.IsNullOrWhiteSpace(channel) ? "a deal without a channel" : $"channel '{channel.Trim()}'";

    private static double Logit(double p)
    {
        var q = Math.Clamp(p, 1e-6, 1 - 1e-6);
        return Math.Log(q / (1 - q));
    }
}
