using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Bulk;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Training.Export;

/// <summary>
/// Exports mart tables to a snapshot folder of Parquet files (one per table, <c>&lt;table&gt;.parquet</c>) plus a
/// <see cref="ExportManifest"/>. The warehouse's dialect does the bulk export (<see cref="IWarehouseDialect.ExportParquetAsync"/>:
/// on DuckDB typed columns streamed into Parquet.Net a row group at a time, on Snowflake an unload and download),
/// rows ordered by the first column (the primary key) so the same mart gives the same files.
/// </summary>
public static class FeatureExporter
{
    /// <summary>Rows per Parquet row group (and the size of the in-memory buffers).</summary>
    public const int DefaultRowGroupSize = 100_000;

    public static IReadOnlyList<string> DefaultTables { get; } = ["mart.mrt_opportunity_features", "mart.mrt_account_features"];

    public static ExportManifest Export(IWarehouse warehouse, string outDirectory, IReadOnlyList<string> tables, IProgress<string>? progress = null) =>
        ExportAsync(warehouse, outDirectory, tables, progress).GetAwaiter().GetResult();

    public static async Task<ExportManifest> ExportAsync(
        IWarehouse warehouse,
        string outDirectory,
        IReadOnlyList<string> tables,
        IProgress<string>? progress = null,
        int rowGroupSize = DefaultRowGroupSize,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentException.ThrowIfNullOrWhiteSpace(outDirectory);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupSize, 1);
        if (tables.Count == 0)
        {
            throw new ArgumentException("No tables to export.", nameof(tables));
        }

        var duplicate = tables.GroupBy(BareName, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Tables {string.Join(" and ", duplicate)} would both write {duplicate.Key}.parquet.", nameof(tables));
        }

        Directory.CreateDirectory(outDirectory);
        // A stale manifest must never describe files this export is about to replace.
        File.Delete(Path.Combine(outDirectory, ExportManifest.FileName));

        using var connection = warehouse.Open();
        var buildId = BuildMetadata.PublishedBuild(connection);
        var written = await warehouse.Dialect.ExportParquetAsync(
                connection,
                [.. tables.Select(t => new ParquetExportRequest(t, BareName(t) + ".parquet"))],
                outDirectory,
                new ParquetExportSettings { RowGroupSize = rowGroupSize },
                progress,
                cancellationToken)
            .ConfigureAwait(false);

        // The files must all come from the build named in the manifest (an engine that reads each table at its own
        // time could otherwise mix two builds).
        if (BuildMetadata.PublishedBuild(connection) != buildId)
        {
            throw new WarehouseException("A new build was published during the export; run it again.");
        }

        var files = written
            .Select(w => new ExportedFile(
                w.Table,
                w.FileName,
                w.Rows,
                w.RowGroups,
                [.. w.Columns.Select(c => new ExportedColumn(c.Name, c.Type))],
                ExportManifest.HashFile(Path.Combine(outDirectory, w.FileName))))
            .ToList();
        var manifest = new ExportManifest(
            DateTime.UtcNow,
            warehouse.DisplayName,
            buildId,
            files,
            ExportManifest.ComputeSnapshotHash(files.Select(f => f.Sha256)));
        manifest.Write(outDirectory);
        progress?.Report($"snapshot {manifest.SnapshotHash[..12]} written to {outDirectory}");
        return manifest;
    }

    /// <summary><c>mart.mrt_x</c> → <c>mrt_x</c>.</summary>
    public static string BareName(string table)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        var dot = table.LastIndexOf('.');
        return dot < 0 ? table : table[(dot + 1)..];
    }
}
