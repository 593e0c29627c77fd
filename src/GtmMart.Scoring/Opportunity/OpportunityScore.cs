namespace GtmMart.Scoring.Opportunity;

/// <summary>One reason behind a score: the source feature, its model contribution (log-odds scale) and a phrase.</summary>
public sealed record OpportunityFactor(string Feature, string Text, double Contribution);

/// <summary>
/// The score of one opportunity: <see cref="Score"/> is the calibrated win probability in percent, clamped to 1-99;
/// the factors are the model's own per-feature contributions, grouped back to source features (3 each).
/// </summary>
public sealed record OpportunityScore(
    string OpportunityId,
    int Score,
    double Probability,
    IReadOnlyList<OpportunityFactor> TopPositive,
    IReadOnlyList<OpportunityFactor> TopNegative)
{
    public static int ToScore(double probability) =>
        double.IsNaN(probability) ? 50 : Math.Clamp((int)Math.Round(probability * 100, MidpointRounding.AwayFromZero), 1, 99);
}
