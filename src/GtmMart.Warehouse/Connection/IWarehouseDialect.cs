using System.Data.Common;
using GtmMart.Warehouse.Bulk;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;
using GtmMart.Warehouse.Tables;

namespace GtmMart.Warehouse.Connection;

/// <summary>
/// Everything engine-specific: how raw files are read and their rejects captured, how a build is published, how
/// tables are exported in bulk and rows written in bulk, and the bits of SQL around them. Model SQL under <c>sql/</c> is portable and never goes through here; only the
/// plumbing around it does. One small adapter per engine (<see cref="DuckDbDialect"/>, <c>SnowflakeDialect</c>).
/// </summary>
public interface IWarehouseDialect
{
    string Name { get; }

    /// <summary>Quotes an identifier (schema, table or column name).</summary>
    string QuoteIdentifier(string identifier);

    /// <summary>Placeholder for a named parameter in shared command text: always <c>$name</c> (see <see cref="ParameterStyle"/>).</summary>
    string Parameter(string name);

    /// <summary>Session settings for a connection that writes whole tables (the build), where row order does not matter.</summary>
    void PrepareForBulkWork(DbConnection connection);

    /// <summary>
    /// Session settings for one writer's transaction of bulk appends and insert-selects (the score write-back), undone
    /// when the result is disposed (call it again-safe). Contents and row order are unchanged; only how the engine spends
    /// the cores on the write.
    /// </summary>
    IDisposable BeginBulkWrite(DbConnection connection);

    /// <summary>
    /// The memory one build statement may use, in bytes: a batched full refresh (<c>BatchedRefresh</c>) sizes its batches
    /// to it, so the same data is split the same way on every engine with the same memory.
    /// </summary>
    long StatementMemoryBytes(DbConnection connection);

    /// <summary>Statement that drops a schema with everything in it.</summary>
    string DropSchemaCascade(string schema);

    /// <summary>The column names of a Parquet raw file (read before anything changes, to check required columns).</summary>
    IReadOnlyList<string> ReadParquetHeader(DbConnection connection, string path);

    /// <summary>
    /// Reads every present raw file, captures each rejected record with file, line, column and reason in
    /// <c>raw.load_rejects</c>, and replaces all raw tables together under one load id.
    /// </summary>
    LoadReport LoadRaw(DbConnection connection, IReadOnlyList<(RawSource Source, SourceFile? File)> files, LoadOptions options, IProgress<string>? progress);

    /// <summary>
    /// Makes build <paramref name="buildId"/>'s schemas (<c>staging__b0007</c>, ...) what readers of <c>staging</c>,
    /// <c>core</c> and <c>mart</c> see, calling <paramref name="markPublished"/> as part of the switch.
    /// </summary>
    void Publish(DbConnection connection, IReadOnlyList<Model> models, long buildId, Action markPublished);

    /// <summary>
    /// Bulk export: writes each table to its file in <paramref name="outDirectory"/> as Parquet, rows ordered by the
    /// table's first column (its key), so the same data gives the same rows in the same order. A file is replaced
    /// only once its table was written whole.
    /// </summary>
    Task<IReadOnlyList<ParquetExportResult>> ExportParquetAsync(
        DbConnection connection,
        IReadOnlyList<ParquetExportRequest> tables,
        string outDirectory,
        ParquetExportSettings settings,
        IProgress<string>? progress,
        CancellationToken cancellationToken);

    /// <summary>
    /// Bulk write, first step: makes <paramref name="rows"/> ready to append, outside any transaction (an engine that
    /// loads files uploads them here); <paramref name="write"/> puts each item's values, in <paramref name="table"/>'s
    /// column order, into a row. The second step, <see cref="IStagedRows.Append"/>, runs inside the caller's
    /// transaction (an engine that appends directly enumerates <paramref name="rows"/> only then). Dispose the result
    /// when done. Rows as value arrays: <see cref="WarehouseDialectExtensions.StageRows"/>.
    /// </summary>
    IStagedRows StageRows<T>(DbConnection connection, DeclaredTable table, IEnumerable<T> rows, BulkRowWriter<T> write, IProgress<string>? progress);
}
