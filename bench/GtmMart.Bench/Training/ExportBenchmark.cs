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
    /// Exports <paramref name="table"/> with <see cref="FeatureExporter"/> into <c>dir/export</c>, then has DuckDB
    /// COPY the same table to Parquet (unordered and ordered) in <paramref name="dir"/>, all in this process.
    /// DuckDB-only (the baseline is DuckDB's COPY statement).
    /// </summary>
    public static ExportBenchmarkResult Run(IWarehouse warehouse, string table, string dir)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        Directory.CreateDirectory(dir);
        var exportDir = Path.Combine(dir, "export");

        var watch = Stopwatch.StartNew();
        var manifest = FeatureExporter.Export(warehouse, exportDir, [table]);
        var export = watch.Elapsed;
        var file = manifest.Files[0];

        var quoted = string.Join('.', table.Split('.').Select(warehouse.Dialect.QuoteIdentifier));
        var copyPath = Path.Combine(dir, "duckdb.parquet");
        var orderedPath = Path.Combine(dir, "duckdb_ordered.parquet");
        using var connection = warehouse.Open();
        watch.Restart();
        connection.Execute($"copy (select * from {quoted}) to '{copyPath.Replace("'", "''", StringComparison.Ordinal)}' (format parquet)");
        var copy = watch.Elapsed;
        watch.Restart();
        connection.Execute($"copy (select * from {quoted} order by 1) to '{orderedPath.Replace("'", "''", StringComparison.Ordinal)}' (format parquet)");
        var ordered = watch.Elapsed;

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
}
