using System.Data.Common;
using System.Globalization;
using DuckDB.NET.Data;
using GtmMart.Warehouse.Connection;
using Parquet;
using Parquet.Schema;

namespace GtmMart.Warehouse.Bulk;

/// <summary>
/// The DuckDB side of the bulk export: each table is read in one query ordered by its first column (the key), so
/// the same mart gives byte-identical files, streamed a row group at a time into typed column buffers and written
/// by Parquet.Net (Snappy; dictionary-encoded strings, delta-encoded integers, byte-stream-split doubles). While
/// one row group is encoded and written on a second thread the next one is read, so reading and writing overlap.
/// All tables are read in one transaction: the same committed state even if a build publishes meanwhile.
/// </summary>
internal static class DuckDbParquetExport
{
    /// <summary>Values a string column's dictionary check samples before it builds the full dictionary.</summary>
    private const int DictionarySample = 10_000;

    public static async Task<IReadOnlyList<ParquetExportResult>> ExportAsync(
        DbConnection connection,
        IWarehouseDialect dialect,
        IReadOnlyList<ParquetExportRequest> tables,
        string outDirectory,
        ParquetExportSettings settings,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.RowGroupSize, 1);
        var results = new List<ParquetExportResult>(tables.Count);
        using var transaction = connection.BeginTransaction();
        foreach (var table in tables)
        {
            results.Add(await ExportTableAsync(connection, transaction, dialect, table, outDirectory, settings.RowGroupSize, progress, cancellationToken)
                .ConfigureAwait(false));
        }

        transaction.Commit();
        return results;
    }

    private static async Task<ParquetExportResult> ExportTableAsync(
        DbConnection connection,
        DbTransaction transaction,
        IWarehouseDialect dialect,
        ParquetExportRequest request,
        string outDirectory,
        int rowGroupSize,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        var table = request.Table;
        var quoted = string.Join('.', table.Split('.').Select(dialect.QuoteIdentifier));
        var path = Path.Combine(outDirectory, request.FileName);
        var temp = path + ".tmp";

        using var command = connection.Command($"select * from {quoted} order by 1");
        command.Transaction = transaction;
        if (command is DuckDBCommand duck)
        {
            // DuckDB.NET materializes whole results unless asked to stream.
            duck.UseStreamingMode = true;
        }

        using var reader = command.ExecuteReader();
        var first = new ParquetColumnBuffer[reader.FieldCount];
        for (var i = 0; i < first.Length; i++)
        {
            first[i] = ParquetColumnBuffer.For(table, reader.GetName(i), reader.GetFieldType(i), reader.GetDataTypeName(i), rowGroupSize);
        }

        // Two sets of buffers for the same fields: one is filled while the other is written.
        ParquetColumnBuffer[][] sets = [first, [.. first.Select(c => c.Twin())]];
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy, DictionaryEncodingSampleSize = DictionarySample };
        foreach (var column in first)
        {
            options.ColumnEncodingHints[column.Field.Path.ToString()] = column.Encoding;
        }

        long rows = 0;
        var rowGroups = 0;
        try
        {
            await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20))
            {
                await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(first.Select(c => (Field)c.Field)), stream, options, cancellationToken: cancellationToken)
                    .ConfigureAwait(false);
                var writing = Task.CompletedTask;
                var more = true;
                for (var set = 0; more; set = 1 - set)
                {
                    var columns = sets[set];
                    var count = Fill(reader, columns, rowGroupSize, out more);
                    await writing.ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();

                    // An empty table still gets one (empty) row group so the file carries its schema like any other.
                    if (count > 0 || rowGroups == 0)
                    {
                        rowGroups++;
                        rows += count;
                        var total = rows;
                        writing = Task.Run(
                            async () =>
                            {
                                await WriteRowGroupAsync(writer, columns, cancellationToken).ConfigureAwait(false);
                                progress?.Report(string.Create(CultureInfo.InvariantCulture, $"{table}: {total:N0} rows"));
                            },
                            cancellationToken);
                    }
                }

                await writing.ConfigureAwait(false);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"{table}: {rows:N0} rows in {rowGroups} row group(s) → {request.FileName}"));
        return new ParquetExportResult(table, request.FileName, rows, rowGroups, [.. first.Select(c => new ParquetColumn(c.Name, c.ParquetType))]);
    }

    /// <summary>Reads up to <paramref name="rowGroupSize"/> rows into <paramref name="columns"/>; <paramref name="more"/> says whether rows remain.</summary>
    private static int Fill(DbDataReader reader, ParquetColumnBuffer[] columns, int rowGroupSize, out bool more)
    {
        foreach (var column in columns)
        {
            column.Reset();
        }

        var count = 0;
        more = true;
        while (count < rowGroupSize && (more = reader.Read()))
        {
            for (var i = 0; i < columns.Length; i++)
            {
                columns[i].Read(reader, i);
            }

            count++;
        }

        return count;
    }

    private static async Task WriteRowGroupAsync(ParquetWriter writer, ParquetColumnBuffer[] columns, CancellationToken cancellationToken)
    {
        using var group = writer.CreateRowGroup();
        foreach (var column in columns)
        {
            await column.WriteAsync(group, cancellationToken).ConfigureAwait(false);
        }

        group.CompleteValidate();
    }
}
