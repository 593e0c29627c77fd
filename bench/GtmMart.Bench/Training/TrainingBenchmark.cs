using System.Diagnostics;
using GtmMart.Scoring.Features;
using GtmMart.Training.Export;
using GtmMart.Training.Opportunity;

namespace GtmMart.Bench.Training;

/// <summary>A feature snapshot read back into rows, and how long that took.</summary>
public sealed record SnapshotRead(IReadOnlyList<OpportunityFeatureRow> Rows, TimeSpan Elapsed);

/// <summary>One end-to-end <see cref="OpportunityModelTrainer.Train"/> call with the options it ran with.</summary>
public sealed record EndToEndTraining(
    int Rows,
    int ClosedRows,
    int Folds,
    TimeSpan Train,
    string Algorithm,
    double HoldoutAuc,
    IReadOnlyList<string> DroppedForLeakage);

/// <summary>Timing helpers of the training benchmark (<see cref="TrainingBenchCommand"/>) around the training code (no warehouse needed).</summary>
public static class TrainingBenchmark
{
    /// <summary>Reads <c>mrt_opportunity_features</c> from a verified snapshot folder.</summary>
    public static SnapshotRead ReadOpportunities(string snapshotDirectory)
    {
        var watch = Stopwatch.StartNew();
        var rows = FeatureSnapshot.ReadOpportunities(snapshotDirectory);
        return new SnapshotRead(rows, watch.Elapsed);
    }

    /// <summary>
    /// Times <see cref="OpportunityModelTrainer.Train"/> end to end (screening, both algorithms cross-validated,
    /// holdout, refit) with the options as given.
    /// </summary>
    public static EndToEndTraining Train(
        IReadOnlyList<OpportunityFeatureRow> rows, OpportunityTrainingOptions options, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        var watch = Stopwatch.StartNew();
        var result = OpportunityModelTrainer.Train(rows, options, progress);
        var elapsed = watch.Elapsed;
        return new EndToEndTraining(
            rows.Count,
            result.Won + result.Lost,
            options.Folds,
            elapsed,
            result.Algorithm,
            result.Holdout.Auc,
            [.. result.DroppedFeatures.Where(d => d.Reason == "leakage").Select(d => d.Feature)]);
    }
}
