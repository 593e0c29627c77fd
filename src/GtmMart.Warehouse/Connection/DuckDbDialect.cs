using System.Data.Common;
using DuckDB.NET.Data;
using GtmMart.Warehouse.Bulk;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;
using GtmMart.Warehouse.Tables;

namespace GtmMart.Warehouse.Connection;

/// <summary>
/// DuckDB: raw files through its own readers with <c>store_rejects</c> (<see cref="DuckDbRawLoad"/>); publishing
/// repoints views in one transaction, because DuckDB cannot rename or swap schemas; bulk export reads typed columns
/// into Parquet.Net (<see cref="DuckDbParquetExport"/>) and bulk writes go through the Appender.
/// </summary>
public sealed class DuckDbDialect : IWarehouseDialect
{
    public string Name => "duckdb";

    public string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public string Parameter(string name) => "$" + name;

    /// <summary>Models declare no row order, so DuckDB may write table results in parallel without keeping scan order.</summary>
    public void PrepareForBulkWork(DbConnection connection) =>
        connection.Execute("set preserve_insertion_order = false");

    /// <summary>
    /// One DuckDB thread for the write: appends run on the caller's thread anyway, and with more threads DuckDB's
    /// parallel insert-select writes each thread's row groups apart and merges them, about twice the CPU for the same
    /// rows (measured: docs/BENCHMARKS.md, "Parquet export and write-back speed"). The thread count is a setting of the
    /// database instance, so the previous one is put back on dispose.
    /// </summary>
    public IDisposable BeginBulkWrite(DbConnection connection) => BulkWriteSettings.DuckDbSingleThread(connection);

    /// <summary>DuckDB's <c>memory_limit</c> (<see cref="DuckDbWarehouse.MemoryLimit"/>): past it a statement spills to the temp folder.</summary>
    public long StatementMemoryBytes(DbConnection connection) =>
        ByteSize.Parse(connection.Scalar<string>("select current_setting('memory_limit')"));

    public string DropSchemaCascade(string schema) => $"drop schema if exists {QuoteIdentifier(schema)} cascade";

    public IReadOnlyList<string> ReadParquetHeader(DbConnection connection, string path) =>
        DuckDbRawReader.ReadParquetHeader(connection, path);

    public LoadReport LoadRaw(DbConnection connection, IReadOnlyList<(RawSource Source, SourceFile? File)> files, LoadOptions options, IProgress<string>? progress) =>
        DuckDbRawLoad.Load(connection, files, options, progress);

    /// <summary>One transaction repoints every <c>layer.model</c> view at the build's table and drops views of removed models.</summary>
    public void Publish(DbConnection connection, IReadOnlyList<Model> models, long buildId, Action markPublished)
    {
        ArgumentNullException.ThrowIfNull(models);
        connection.InTransaction(_ =>
        {
            PublishViews(connection, models, models.ToDictionary(m => m.QualifiedName, m => $"{SqlRewriter.BuildSchema(m.Layer, buildId)}.{m.Name}"), markPublished);
            return 0;
        });
    }

    /// <summary>
    /// Repoints every <c>layer.model</c> view at the table <paramref name="relations"/> names for it and drops views of
    /// removed models, in the caller's transaction.
    /// </summary>
    public void PublishViews(DbConnection connection, IReadOnlyList<Model> models, IReadOnlyDictionary<string, string> relations, Action markPublished)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(relations);
        ArgumentNullException.ThrowIfNull(markPublished);
        {
            foreach (var layer in ModelCatalog.Layers)
            {
                connection.Execute($"create schema if not exists {layer}");
            }

            foreach (var model in models)
            {
                connection.Execute(
                    $"create or replace view {QuoteIdentifier(model.Layer)}.{QuoteIdentifier(model.Name)} as " +
                    $"select * from {relations[model.QualifiedName]}");
                Failpoint.Hit($"publish:{model.QualifiedName}");
            }

            // Views of models that were removed from sql/ go too; tables (such as written-back scores) stay.
            var known = models.Select(m => m.QualifiedName).ToHashSet(StringComparer.Ordinal);
            var stale = connection.Query(
                "select schema_name, view_name from duckdb_views() where not internal and schema_name in ('seeds', 'staging', 'core', 'mart')",
                r => (Schema: r.GetString(0), View: r.GetString(1)))
                .Where(v => !known.Contains($"{v.Schema}.{v.View}"));
            foreach (var (schema, view) in stale)
            {
                connection.Execute($"drop view {QuoteIdentifier(schema)}.{QuoteIdentifier(view)}");
            }

            markPublished();
        }
    }

    public Task<IReadOnlyList<ParquetExportResult>> ExportParquetAsync(
        DbConnection connection,
        IReadOnlyList<ParquetExportRequest> tables,
        string outDirectory,
        ParquetExportSettings settings,
        IProgress<string>? progress,
        CancellationToken cancellationToken) =>
        DuckDbParquetExport.ExportAsync(connection, this, tables, outDirectory, settings, progress, cancellationToken);

    public IStagedRows StageRows<T>(DbConnection connection, DeclaredTable table, IEnumerable<T> rows, BulkRowWriter<T> write, IProgress<string>? progress) =>
        new DuckDbStagedRows<T>(Duck(connection), table, rows, write);

    private static DuckDBConnection Duck(DbConnection connection) => connection as DuckDBConnection
        ?? throw new ArgumentException($"the DuckDB dialect needs a DuckDB connection, not a {connection.GetType().Name}", nameof(connection));
}
