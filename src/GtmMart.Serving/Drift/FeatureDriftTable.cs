using GtmMart.Scoring.Drift;

namespace GtmMart.Serving.Drift;

/// <summary>One model's drift in one scoring run, per column (features, then the score).</summary>
public sealed record ModelDrift(string ModelName, string ModelVersion, IReadOnlyList<ColumnDrift> Columns);

/// <summary>
/// <c>mart.mrt_feature_drift</c> (declared in <c>sql/scores/mrt_feature_drift.sql</c>, its data tests in
/// <c>sql/scores/_tables.yml</c>): per scoring run, model and column (each feature the model uses, and its score), the
/// population stability index of the scored population against the version's training reference, its reading
/// (<c>stable</c> below 0.1, <c>moderate</c> 0.1-0.25, <c>significant</c> above 0.25), the rows scored and in the
/// reference, and a note when the sample is too small for the index to mean much
/// (<see cref="PopulationStability.SmallSampleRule"/>). A score table: builds never touch it, and the write-back
/// appends its rows through the dialect's bulk write inside its transaction, so a killed run leaves none of them.
/// </summary>
public static class FeatureDriftTable
{
    public const string Schema = ScoreTables.Schema;
    public const string Table = ScoreTables.Drift;
    public const string QualifiedName = $"{Schema}.{Table}";

    /// <summary>Column kinds as stored: the feature's kind or <c>score</c>.</summary>
    public static string KindName(DriftColumnKind kind) => kind switch
    {
        DriftColumnKind.Numeric => "numeric",
        DriftColumnKind.Categorical => "categorical",
        _ => "score",
    };

    public static string ReadingName(DriftReading reading) => reading switch
    {
        DriftReading.Stable => "stable",
        DriftReading.Moderate => "moderate",
        _ => "significant",
    };

    /// <summary>
    /// The run's rows in the declared column order. A column without an index (nothing scored or an empty
    /// reference) has no row.
    /// </summary>
    public static IEnumerable<object?[]> Rows(string runId, DateTime scoredAt, IEnumerable<ModelDrift> drift)
    {
        ArgumentNullException.ThrowIfNull(drift);
        return drift.SelectMany(model => model.Columns.Where(c => double.IsFinite(c.Psi)).Select(c => new object?[]
        {
            runId, model.ModelName, model.ModelVersion, c.Feature, KindName(c.Kind), c.Psi, ReadingName(c.Reading),
            c.SampleSize, c.ReferenceSize, c.Note, scoredAt,
        }));
    }
}
