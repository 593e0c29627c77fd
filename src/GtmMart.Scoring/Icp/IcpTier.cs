namespace GtmMart.Scoring.Icp;

/// <summary>ICP tier of an account, from its fit score (see <see cref="IcpTierThresholds"/>).</summary>
public enum IcpTier
{
    /// <summary>Best fit: prioritise.</summary>
    A,

    /// <summary>Good fit.</summary>
    B,

    /// <summary>Average fit (also the tier of the neutral fallback when no fit model could be trained).</summary>
    C,

    /// <summary>Poor fit: deprioritise.</summary>
    D,
}

/// <summary>
/// Tier thresholds on the 0-100 fit score: A when score ≥ <see cref="A"/>, B when ≥ <see cref="B"/>, C when
/// ≥ <see cref="C"/>, D otherwise. Defaults 75 / 50 / 25. The fit score is an odds-lift scale (50 = the typical
/// labelled account's odds of being a customer, +25 points per doubling of the odds by default:
/// <c>fit_points_per_odds_doubling</c>), so the defaults mean: A = at least 2× the typical odds, B = 1× to 2×,
/// C = 0.5× to 1×, D = below 0.5× the typical odds.
/// </summary>
public sealed record IcpTierThresholds
{
    public double A { get; init; } = 75;
    public double B { get; init; } = 50;
    public double C { get; init; } = 25;

    /// <summary>The tier of a fit score.</summary>
    public IcpTier TierOf(double fitScore) =>
        fitScore >= A ? IcpTier.A : fitScore >= B ? IcpTier.B : fitScore >= C ? IcpTier.C : IcpTier.D;

    /// <summary>Throws when the thresholds are not strictly decreasing inside 0-100.</summary>
    public void Validate()
    {
        if (!(A <= 100 && A > B && B > C && C >= 0))
        {
            throw new ArgumentException($"Tier thresholds must satisfy 100 >= A > B > C >= 0 (got A={A}, B={B}, C={C}).");
        }
    }
}
