using System.Data.Common;
using System.Globalization;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Snowflake;
using Parquet;
using Parquet.Schema;

namespace GtmMart.Training.Export;

/// <summary>
/// Exports mart tables to a snapshot folder of Parquet files (one per table, <c>&lt;table&gt;.parquet</c>) plus a
/// <see cref="ExportManifest"/>. Reads through plain ADO.NET, ordered by the first column (the primary key) so the
/// same mart gives byte-identical files, and streams: only one row group of values is held in memory at a time.
/// </summary>
public static class FeatureExporter
{
    /// <summary>Rows per Parquet row group (and the size of the in-memory buffer).</summary>
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

        if (warehouse.Dialect is SnowflakeDialect)
        {
            return SnowflakeFeatureExport.Export(warehouse, outDirectory, tables, progress);
        }

        using var connection = warehouse.Open();
        var buildId = BuildMetadata.PublishedBuild(connection);
        var files = new List<ExportedFile>(tables.Count);
        // One transaction: every table is read from the same committed state, even if a build publishes meanwhile.
        using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var table in tables)
            {
                files.Add(await ExportTableAsync(connection, transaction, warehouse.Dialect, table, outDirectory, rowGroupSize, progress, cancellationToken)
                    .ConfigureAwait(false));
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

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

    private static async Task<ExportedFile> ExportTableAsync(
        DbConnection connection,
        DbTransaction transaction,
        IWarehouseDialect dialect,
        string table,
        string outDirectory,
        int rowGroupSize,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        var quoted = string.Join('.', table.Split('.').Select(dialect.QuoteIdentifier));
        var fileName = BareName(table) + ".parquet";
        var path = Path.Combine(outDirectory, fileName);
        var temp = path + ".tmp";

        using var command = connection.Command($"select * from {quoted} order by 1");
        command.Transaction = transaction;
        EnableStreaming(command);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);

        var columns = new ColumnBuffer[reader.FieldCount];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = ColumnBuffer.For(table, reader.GetName(i), reader.GetFieldType(i), reader.GetDataTypeName(i), rowGroupSize);
        }

        var schema = new ParquetSchema(columns.Select(c => (Field)c.Field));
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
        long rows = 0;
        var rowGroups = 0;
        try
        {
            await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20))
            {
                await using var writer = await ParquetWriter.CreateAsync(schema, stream, options, cancellationToken: cancellationToken).ConfigureAwait(false);
                var more = true;
                while (more)
                {
                    var count = 0;
                    while (count < rowGroupSize && (more = reader.Read()))
                    {
                        for (var i = 0; i < columns.Length; i++)
                        {
                            columns[i].Read(reader, i, count);
                        }

                        count++;
                    }

                    // An empty table still gets one (empty) row group so the file carries its schema like any other.
                    if (count > 0 || rowGroups == 0)
                    {
                        using var group = writer.CreateRowGroup();
                        foreach (var column in columns)
                        {
                            await column.WriteAsync(group, count, cancellationToken).ConfigureAwait(false);
                        }

                        group.CompleteValidate();
                        rowGroups++;
                        rows += count;
                        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"{table}: {rows:N0} rows"));
                    }
                }
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        var hash = ExportManifest.HashFile(path);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"{table}: {rows:N0} rows in {rowGroups} row group(s) → {fileName}"));
        return new ExportedFile(
            table,
            fileName,
            rows,
            rowGroups,
            columns.Select(c => new ExportedColumn(c.Name, c.ParquetType)).ToList(),
            hash);
    }

    /// <summary>
    /// DuckDB.NET materializes whole results unless asked to stream; other providers stream by default. Set by name so
    /// this file stays free of engine types.
    /// </summary>
    private static void EnableStreaming(DbCommand command)
    {
        var property = command.GetType().GetProperty("UseStreamingMode");
        if (property is not null && property.PropertyType == typeof(bool) && property.CanWrite)
        {
            property.SetValue(command, true);
        }
    }
}
