namespace GtmMart.Scoring.Opportunity;

/// <summary>
/// One reason behind a score: a feature family (<see cref="Family"/>, e.g. "web_engagement"), the deal's values of it
/// in words against the typical deal's, and its contribution on the win log-odds scale: the log-odds of this deal
/// minus the log-odds of the same deal with the family set to the typical deal's values. Positive raises the probability
/// (setting the family to the typical deal's values would lower it), negative lowers it. <see cref="Feature"/> is the
/// family's feature the text leads with.
/// </summary>
public sealed record OpportunityFactor(string Family, string Feature, string Text, double Contribution)
{
    /// <summary>"+" raises the win probability against the typical deal, "-" lowers it.</summary>
    public string Direction => Contribution > 0 ? "+" : "-";
}

/// <summary>
/// A value the model cannot explain a score with: a category it never saw ("Unknown channel 'Paid Search'"), or none
/// given where the model always had one. The score treats it as ML.NET does (an unseen category sets none of the
/// feature's one-hot slots; a missing number takes the training mean), and its family gives no reason.
/// </summary>
public sealed record UnknownValue(string Family, string Feature, string Value, string Text);

/// <summary>
/// The score of one opportunity: <see cref="Score"/> is the calibrated win probability in percent, clamped to 1-99;
/// the factors are the feature families moving the probability most against the typical deal of the model's
/// training rows (up to 3 each way, one per family); <see cref="Unknown"/> lists values the model did not know.
/// </summary>
public sealed record OpportunityScore(
    string OpportunityId,
    int Score,
    double Probability,
    IReadOnlyList<OpportunityFactor> TopPositive,
    IReadOnlyList<OpportunityFactor> TopNegative)
{
    public IReadOnlyList<UnknownValue> Unknown { get; init; } = [];

    public static int ToScore(double probability) =>
        double.IsNaN(probability) ? 50 : Math.Clamp((int)Math.Round(probability * 100, MidpointRounding.AwayFromZero), 1, 99);
}
