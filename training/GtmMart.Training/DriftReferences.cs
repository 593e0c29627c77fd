using System.Globalization;
using GtmMart.Scoring.Drift;
using GtmMart.Scoring.Features;
using GtmMart.Scoring.Icp;
using GtmMart.Scoring.Opportunity;

namespace GtmMart.Training;

/// <summary>
/// Writes a version's drift reference (<see cref="DriftReference.FileName"/>) into its registry folder while it is
/// being registered, from the artifacts just saved there, so the reference's scores come from the same code path as
/// the write-back's.
/// </summary>
internal static class DriftReferences
{
    /// <summary>
    /// The opportunity scoring population at training time: the snapshot's open opportunities (what a write-back
    /// scores), scored by the version. Every later run's open opportunities are selected the same way (recent and
    /// stalled deals), so only a change in the population moves the index; the closed deals a model is fitted on
    /// differ from open ones by construction (older, with less account history) and would flag drift on every run.
    /// With fewer than <see cref="PopulationStability.MinimumSample"/> open opportunities the fitted closed deals are
    /// the reference instead, and the reference says so.
    /// </summary>
    public static void Opportunity(
        string directory, string model, IReadOnlyList<string> features, IReadOnlyList<OpportunityFeatureRow> snapshot, IReadOnlyList<OpportunityFeatureRow> fitted, IOpportunityScorer scorer)
    {
        using (scorer)
        {
            var open = snapshot.Where(r => !r.IsClosed).ToList();
            var (rows, population) = open.Count >= PopulationStability.MinimumSample
                ? (open, string.Create(CultureInfo.InvariantCulture, $"the {open.Count:N0} open opportunities of the training snapshot (the population a write-back scores); score = the version's win probability"))
                : (fitted, string.Create(CultureInfo.InvariantCulture, $"the {fitted.Count:N0} closed opportunities the version was fitted on (the snapshot had only {open.Count} open ones); score = the version's win probability"));
            var scores = scorer.PredictProbabilities(rows).Select(p => (double)p).ToList();
            var catalog = rows.Count > 0 ? rows[0].Catalog : OpportunityFeatureCatalog.Default;
            DriftReference.Build(model, population, [.. features.Where(catalog.Contains)], catalog.IsNumeric, rows, DriftReference.OpportunityValue, DriftColumns.OpportunityScore, scores)
                .Write(directory);
        }
    }

    /// <summary>The ICP population at training time: every account of the snapshot, scored by the version.</summary>
    public static void Icp(string directory, string model, IReadOnlyList<string> features, IReadOnlyList<AccountFeatureRow> accounts, IReadOnlyList<AccountScore> scores) =>
        DriftReference.Build(
            model,
            string.Create(CultureInfo.InvariantCulture, $"the {accounts.Count:N0} accounts of the training snapshot; score = their fit score"),
            features,
            DriftReference.IsNumericAccountFeature,
            accounts,
            DriftReference.AccountValue,
            DriftColumns.IcpScore,
            [.. scores.Select(s => s.FitScore)]).Write(directory);
}
