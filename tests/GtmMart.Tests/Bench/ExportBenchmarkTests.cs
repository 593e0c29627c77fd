using System.Globalization;
using GtmMart.Bench.Training;
using GtmMart.Tests.Export;
using GtmMart.Tests.Support;
using Xunit.Abstractions;

namespace GtmMart.Tests.Bench;

/// <summary>
/// <see cref="ExportBenchmark.Run"/> (the training benchmark's export measurement) on a small 30-column table: both
/// files hold the same rows (prints rows/s of the exporter and of DuckDB's COPY).
/// </summary>
public sealed class ExportBenchmarkTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestWarehouse db = new();

    public void Dispose() => db.Dispose();

    [Fact]
    public void Benchmark_exports_and_copies_the_same_rows()
    {
        var result = Measure(20_000);
        Assert.Equal(20_000, result.Rows);
        Assert.Equal(30, result.Columns);
        Assert.True(result.Export > TimeSpan.Zero && result.DuckDbCopy > TimeSpan.Zero);
        var ours = ExportTables.Literal(Path.Combine(db.Folder.Path, "bench", "export", "wide.parquet"));
        var theirs = ExportTables.Literal(Path.Combine(db.Folder.Path, "bench", "duckdb.parquet"));
        Assert.Equal(0, db.Scalar<long>($"select count(*) from (select * from read_parquet({theirs}) except all select * from read_parquet({ours}))"));
    }

    private ExportBenchmarkResult Measure(int rows)
    {
        using (var connection = db.Warehouse.Open())
        {
            ExportTables.CreateWide(connection, "mart.wide", rows);
        }

        var result = ExportBenchmark.Run(db.Warehouse, "mart.wide", db.Folder.Sub("bench"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Rows:N0} rows x {result.Columns} columns: exporter {result.Export.TotalSeconds:F2}s = {result.ExportRowsPerSecond:N0} rows/s ({result.ExportBytes:N0} bytes); " +
            $"duckdb COPY {result.DuckDbCopy.TotalSeconds:F2}s = {result.DuckDbRowsPerSecond:N0} rows/s ({result.DuckDbBytes:N0} bytes); " +
            $"COPY ordered {result.DuckDbCopyOrdered.TotalSeconds:F2}s = {result.DuckDbOrderedRowsPerSecond:N0} rows/s; ratio {result.Ratio:F2}x"));
        return result;
    }
}
