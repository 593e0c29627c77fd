using System.Globalization;
using GtmMart.Scoring.Drift;
using GtmMart.Scoring.Icp;
using GtmMart.Scoring.Opportunity;

namespace GtmMart.Serving.Drift;

/// <summary>
/// Compares a write-back's scored populations (the open opportunities and the accounts) with the references kept
/// with the versions that scored them. A version without a reference (trained before references were kept) is
/// reported and skipped.
/// </summary>
public static class ScoringDrift
{
    public static IReadOnlyList<ModelDrift> Compare(
        ModelSet models, FeatureStore features, IReadOnlyList<OpportunityScore> opportunityScores, IReadOnlyList<AccountScore> accountScores, IProgress<string>? progress)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(features);
        var drift = new List<ModelDrift>();
        if (models.HasOpportunity && opportunityScores.Count > 0)
        {
            Add(drift, models.OpportunityModel, models.OpportunityVersion, models.OpportunityDrift, progress,
                r => r.Compare(features.OpenOpportunities, DriftReference.OpportunityColumn, [.. opportunityScores.Select(s => s.Probability)]));
        }

        if (models.HasIcp && accountScores.Count > 0)
        {
            Add(drift, models.IcpModel, models.IcpVersion, models.IcpDrift, progress,
                r => r.Compare(features.Accounts, DriftReference.AccountColumn, [.. accountScores.Select(s => s.FitScore)]));
        }

        return drift;
    }

    private static void Add(List<ModelDrift> drift, string model, string version, DriftReference? reference, IProgress<string>? progress, Func<DriftReference, IReadOnlyList<ColumnDrift>> compare)
    {
        if (reference is null)
        {
            progress?.Report($"drift: {model} {version} has no drift reference (trained before references were kept): retrain it to monitor drift");
            return;
        }

        var columns = compare(reference);
        drift.Add(new ModelDrift(model, version, columns));
        var flagged = columns.Where(c => c.Flagged).OrderByDescending(c => c.Psi).ToList();
        progress?.Report(flagged.Count == 0
            ? $"drift: {model} {version}: all {columns.Count} columns stable against the training reference"
            : $"drift: {model} {version}: {flagged.Count} of {columns.Count} columns moved ({string.Join(", ", flagged.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Feature} PSI {c.Psi:0.00} {FeatureDriftTable.ReadingName(c.Reading)}")))})");
    }
}
