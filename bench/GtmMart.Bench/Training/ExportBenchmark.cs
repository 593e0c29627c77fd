using System.Diagnostics;
using GtmMart.Training.Export;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Bench.Training;

/// <summary>Timings of <see cref="ExportBenchmark.Run"/>: this exporter next to DuckDB's own Parquet writer.</summary>
public sealed record ExportBenchmarkResult(
    string Table,
    long Rows,
    int Columns,
    TimeSpan Export,
    TimeSpan DuckDbCopy,
    TimeSpan DuckDbCopyOrdered,
    long ExportBytes,
    long DuckDbBytes)
{
    public double ExportRowsPerSecond => Rows / Export.TotalSeconds;

    /// <summary>DuckDB <c>COPY (select * from t) TO … (FORMAT parquet)</c>, unordered as DuckDB would do it.</summary>
    public double DuckDbRowsPerSecond => Rows / DuckDbCopy.TotalSeconds;

    /// <summary>The same COPY with <c>order by 1</c>, i.e. the deterministic work the exporter does.</summary>
    public double DuckDbOrderedRowsPerSecond => Rows / DuckDbCopyOrdered.TotalSeconds;

    /// <summary>How many times longer the exporter takes than the unordered DuckDB COPY.</summary>
    public double Ratio => Export.TotalSeconds / DuckDbCopy.TotalSeconds;
}

public static class ExportBenchmark
{
    /// <summary>
    /// Exports <paramref name="table"/> with <see cref="FeatureExporter"/> into <c>dir/export</c> and has DuckDB COPY
    /// the same table to Parquet (unordered and ordered) in <paramref name="dir"/>, all in this process, in
    /// <see cref="Rounds"/> alternating rounds (median times).
    /// DuckDB-only (the baseline is DuckDB's COPY statement).
    /// </summary>
    public static ExportBenchmarkResult Run(IWarehouse warehouse, string table, string dir)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        Directory.CreateDirectory(dir);
        var exportDir = Path.Combine(dir, "export");

        // Rounds alternate the three writers so a noisy neighbour slows each of them alike; each time is its median.
        var quoted = string.Join('.', table.Split('.').Select(warehouse.Dialect.QuoteIdentifier));
        var copyPath = Path.Combine(dir, "duckdb.parquet");
        var orderedPath = Path.Combine(dir, "duckdb_ordered.parquet");
        var exports = new List<TimeSpan>();
        var copies = new List<TimeSpan>();
        var orderedCopies = new List<TimeSpan>();
        ExportManifest? manifest = null;
        for (var round = 0; round < Rounds; round++)
        {
            exports.Add(Time(() => manifest = FeatureExporter.Export(warehouse, exportDir, [table])));
            using var connection = warehouse.Open();
            copies.Add(Time(() => connection.Execute($"copy (select * from {quoted}) to '{copyPath.Replace("'", "''", StringComparison.Ordinal)}' (format parquet)")));
            orderedCopies.Add(Time(() => connection.Execute($"copy (select * from {quoted} order by 1) to '{orderedPath.Replace("'", "''", StringComparison.Ordinal)}' (format parquet)")));
        }

        var file = manifest!.Files[0];
        var export = Median(exports);
        var copy = Median(copies);
        var ordered = Median(orderedCopies);

        return new ExportBenchmarkResult(
            table,
            file.Rows,
            file.Columns.Count,
            export,
            copy,
            ordered,
            new FileInfo(Path.Combine(exportDir, file.File)).Length,
            new FileInfo(copyPath).Length);
    }

    /// <summary>Rounds per writer.</summary>
    public const int Rounds = 3;

    private static TimeSpan Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed;
    }

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);
}
