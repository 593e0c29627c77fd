using GtmMart.Scoring.Features;

namespace GtmMart.Scoring.Opportunity;

/// <summary>
/// What serves opportunity scores: a trained model (<see cref="OpportunityScorer"/>) or, while no model has passed
/// the promotion gate, the historical win-rate baseline (<see cref="Baseline.WinRateBaselineScorer"/>). Thread-safe.
/// </summary>
public interface IOpportunityScorer : IDisposable
{
    /// <summary>The score of one opportunity with its reasons.</summary>
    OpportunityScore Score(OpportunityFeatureRow row);

    /// <summary>The scores of many opportunities, in input order.</summary>
    IReadOnlyList<OpportunityScore> ScoreBatch(IReadOnlyList<OpportunityFeatureRow> rows);

    /// <summary>
    /// The categories the scorer knows, by categorical feature it uses (each sorted ordinally): a value outside them is
    /// unknown to it (listed in a score's unknown values).
    /// </summary>
    IReadOnlyDictionary<string, IReadOnlyList<string>> KnownCategories { get; }

    /// <summary>Win probabilities only (no reasons), in input order.</summary>
    IReadOnlyList<float> PredictProbabilities(IReadOnlyList<OpportunityFeatureRow> rows);
}
