using System.Globalization;

namespace GtmMart.Training.Icp;

/// <summary>
/// One ICP tier: its fit-score range, what that range means in odds against the typical account, and both in one
/// label ("A: fit ≥ 75, at least 2x the typical account's odds of becoming a customer").
/// </summary>
public sealed record IcpTierDefinition(string Tier, double MinimumFitScore, double? BelowFitScore, double MinimumOddsMultiple, double? BelowOddsMultiple, string Meaning)
{
    public string Label => BelowFitScore is not { } below ? $"{Tier}: fit ≥ {X(MinimumFitScore)}, {Meaning}"
        : MinimumFitScore <= 0 ? $"{Tier}: fit below {X(below)}, {Meaning}"
        : $"{Tier}: fit {X(MinimumFitScore)}-{X(below)}, {Meaning}";

    private static string X(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}

/// <summary>
/// What the tier thresholds mean. The fit score is 50 + points × log2(odds / typical odds), where the typical odds
/// are those of the average labelled account and points = <see cref="IcpTrainingOptions.FitPointsPerOddsDoubling"/>;
/// so a threshold t sits at 2^((t − 50) / points) times the typical odds of being a customer. The model card,
/// <c>gtm train</c> and docs/MODELS.md state tiers through this, so they cannot disagree with the config.
/// </summary>
public static class IcpTierMeaning
{
    /// <summary>The fit score of the typical labelled account.</summary>
    public const double TypicalScore = 50;

    /// <summary>How many times the typical odds a fit score stands for.</summary>
    public static double OddsMultiple(double fitScore, double pointsPerOddsDoubling) =>
        Math.Pow(2, (fitScore - TypicalScore) / pointsPerOddsDoubling);

    public static IReadOnlyList<IcpTierDefinition> Describe(IcpTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var t = options.TierThresholds;
        var p = options.FitPointsPerOddsDoubling;
        IcpTierDefinition Tier(string name, double from, double? below)
        {
            var low = from <= 0 ? 0 : OddsMultiple(from, p);
            double? high = below is { } b ? OddsMultiple(b, p) : null;
            var meaning = (from <= 0, high) switch
            {
                (true, { } h) => $"below {X(h)} the typical account's odds of becoming a customer",
                (false, null) => $"at least {X(low)} the typical account's odds of becoming a customer",
                (false, { } h) => $"{X(low)} to {X(h)} the typical account's odds of becoming a customer",
                _ => "every account",
            };
            return new IcpTierDefinition(name, from, below, low, high, meaning);
        }

        return [Tier("A", t.A, null), Tier("B", t.B, t.A), Tier("C", t.C, t.B), Tier("D", 0, t.C)];
    }

    /// <summary>"A >= 75 (>= 2x typical odds), B >= 50 (1x-2x), ..." for command output.</summary>
    public static string Summary(IcpTrainingOptions options) =>
        string.Join(", ", Describe(options).Select(d => d.BelowFitScore is null
            ? $"{d.Tier} >= {d.MinimumFitScore:0} ({X(d.MinimumOddsMultiple)}+ typical odds)"
            : d.MinimumFitScore <= 0
                ? $"{d.Tier} < {d.BelowFitScore:0} (under {X(d.BelowOddsMultiple!.Value)})"
                : $"{d.Tier} >= {d.MinimumFitScore:0} ({X(d.MinimumOddsMultiple)}-{X(d.BelowOddsMultiple!.Value)})"));

    private static string X(double multiple) => multiple.ToString("0.##", CultureInfo.InvariantCulture) + "x";
}
