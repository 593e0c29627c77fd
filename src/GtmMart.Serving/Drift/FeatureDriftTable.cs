using System.Data.Common;
using GtmMart.Scoring.Drift;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Serving.Drift;

/// <summary>One model's drift in one scoring run, per column (features, then the score).</summary>
public sealed record ModelDrift(string ModelName, string ModelVersion, IReadOnlyList<ColumnDrift> Columns);

/// <summary>
/// <c>mart.mrt_feature_drift</c>: per scoring run, model and column (each feature the model uses, and its score), the
/// population stability index of the scored population against the version's training reference, its reading
/// (<c>stable</c> below 0.1, <c>moderate</c> 0.1-0.25, <c>significant</c> above 0.25), the rows scored and in the
/// reference, and a note when the sample is too small for the index to mean much
/// (<see cref="PopulationStability.SmallSampleRule"/>). A table beside the published views, like the score tables,
/// so builds never touch it; written inside the write-back's transaction, so a killed run leaves none of its rows.
/// </summary>
public static class FeatureDriftTable
{
    public const string Schema = ScoreTables.Schema;
    public const string Table = "mrt_feature_drift";
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

    /// <summary>Creates the table when missing (outside any transaction: Snowflake commits on DDL).</summary>
    public static void Ensure(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Execute($"create schema if not exists {Schema}");
        connection.Execute(
            $"""
            create table if not exists {QualifiedName} (
                run_id varchar not null,
                model_name varchar not null,
                model_version varchar not null,
                feature varchar not null,
                kind varchar not null,
                psi double not null,
                reading varchar not null,
                sample_size bigint not null,
                reference_size bigint not null,
                note varchar,
                scored_at timestamp not null)
            """);
    }

    /// <summary>Replaces the run's rows (inside the caller's transaction).</summary>
    public static int Write(DbConnection connection, string runId, DateTime scoredAt, IEnumerable<ModelDrift> drift)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(drift);
        connection.Execute($"delete from {QualifiedName} where run_id = $run", ("run", runId));
        var rows = 0;
        foreach (var model in drift)
        {
            foreach (var c in model.Columns.Where(c => double.IsFinite(c.Psi)))
            {
                rows += connection.Execute(
                    $"""
                    insert into {QualifiedName}
                        (run_id, model_name, model_version, feature, kind, psi, reading, sample_size, reference_size, note, scored_at)
                    values ($run, $model, $version, $feature, $kind, $psi, $reading, $sample, $reference, $note, $scored)
                    """,
                    ("run", runId), ("model", model.ModelName), ("version", model.ModelVersion), ("feature", c.Feature),
                    ("kind", KindName(c.Kind)), ("psi", Math.Round(c.Psi, 6)), ("reading", ReadingName(c.Reading)),
                    ("sample", c.SampleSize), ("reference", c.ReferenceSize), ("note", c.Note), ("scored", scoredAt));
            }
        }

        return rows;
    }
}
