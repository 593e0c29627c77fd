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

    /// <summary>Win probabilities only (no reasons), in input order.</summary>
    IReadOnlyList<float> PredictProbabilities(IReadOnlyList<OpportunityFeatureRow> rows);
}
