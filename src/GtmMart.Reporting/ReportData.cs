using GtmMart.Serving;
using GtmMart.Serving.Monitoring;

namespace GtmMart.Reporting;

/// <summary>A query result as columns and rows of plain values (numbers, strings, booleans, ISO dates, null).</summary>
public sealed record ReportDataset(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows)
{
    /// <summary>The value of <paramref name="column"/> in row <paramref name="row"/>.</summary>
    public object? Value(int row, string column)
    {
        var index = Columns.ToList().IndexOf(column);
        return index < 0 ? throw new ArgumentException($"no column {column} (columns: {string.Join(", ", Columns)})", nameof(column)) : Rows[row][index];
    }
}

/// <summary>
/// An active model's card, as the page shows it (figures already formatted by training): what it is (kind
/// <c>model</c> or <c>baseline</c>), the trust verdict with its one-sentence reason, and for the ICP what each tier means.
/// </summary>
public sealed record ModelSummary(
    string Model,
    string Version,
    string Algorithm,
    DateTime CreatedAtUtc,
    long? SourceBuildId,
    IReadOnlyDictionary<string, string> Headline,
    IReadOnlyDictionary<string, string> RowCounts,
    IReadOnlyList<string> Warnings)
{
    public string Kind { get; init; } = TrustLabels.Kind(null);

    public string? Trust { get; init; }

    public string? TrustReason { get; init; }

    /// <summary>ICP only: "A: at least 2x the typical account's odds of becoming a customer", one per tier (from the card).</summary>
    public IReadOnlyList<string> Tiers { get; init; } = [];

    /// <summary>The card's cross-validation AUC with its 95% interval (null for baselines).</summary>
    public AucInterval? CrossValidationAuc { get; init; }
}

/// <summary>Everything the page shows: the report datasets (query results), the active model cards and what is missing.</summary>
public sealed record ReportData
{
    public required DateTime GeneratedAtUtc { get; init; }

    /// <summary>Where the warehouse is (safe to print; not embedded in the page, which may be shared).</summary>
    public required string Warehouse { get; init; }

    /// <summary>Query results by dataset name (the query file's name).</summary>
    public required IReadOnlyDictionary<string, ReportDataset> Datasets { get; init; }

    /// <summary>Datasets that could not be queried yet, with the reason (the score tables before the first write-back).</summary>
    public required IReadOnlyDictionary<string, string> Unavailable { get; init; }

    public required IReadOnlyList<ModelSummary> Models { get; init; }

    /// <summary>Why no model is listed (no registry, no active version), or null.</summary>
    public string? ModelsNote { get; init; }

    /// <summary>
    /// True when scores have been written back: the score datasets were queried and a succeeded run exists (the
    /// datasets of "Are the scores right?" may still be missing: they need a build after the write-back).
    /// </summary>
    public bool ScoresAvailable =>
        !Unavailable.Keys.Except(ReportQuery.LifecycleDatasets).Any() && Datasets.TryGetValue("score_run", out var run) && run.Rows.Count > 0;
}
