using System.Data.Common;
using System.Text.RegularExpressions;
using GtmMart.Warehouse.Bulk;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;
using GtmMart.Warehouse.Tables;

namespace GtmMart.Warehouse.Snowflake;

/// <summary>
/// Snowflake: raw files through PUT and COPY INTO with rejects from VALIDATE (<see cref="SnowflakeRawLoad"/>);
/// publishing swaps each layer's schema with the build's (<c>ALTER SCHEMA ... SWAP WITH</c>, atomic per schema); bulk
/// export unloads on the server and downloads the files (<see cref="SnowflakeParquetExport"/>); bulk writes stage
/// Parquet files and COPY them (<see cref="SnowflakeStagedRows"/>).
/// </summary>
public sealed partial class SnowflakeDialect : IWarehouseDialect
{
    public string Name => "snowflake";

    public string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public string Parameter(string name) => "$" + name;

    public void PrepareForBulkWork(DbConnection connection)
    {
        // Nothing to set: Snowflake writes table results in parallel anyway.
    }

    public IDisposable BeginBulkWrite(DbConnection connection) => BulkWriteSettings.None;

    /// <summary>
    /// Snowflake sets no per-statement limit (a warehouse spills to local, then remote, storage): the batches are sized
    /// as a DuckDB build with its default limit sizes them (<see cref="DuckDbWarehouse.DefaultMemoryLimit"/>).
    /// </summary>
    public long StatementMemoryBytes(DbConnection connection) => ByteSize.Parse(DuckDbWarehouse.DefaultMemoryLimit);

    public string DropSchemaCascade(string schema) => $"drop schema if exists {SnowflakeSql.Name(schema)} cascade";

    public IReadOnlyList<string> ReadParquetHeader(DbConnection connection, string path) =>
        throw new WarehouseException($"{path}: Parquet raw files are not supported on Snowflake yet; export the source as CSV.");

    public LoadReport LoadRaw(DbConnection connection, IReadOnlyList<(RawSource Source, SourceFile? File)> files, LoadOptions options, IProgress<string>? progress) =>
        SnowflakeRawLoad.Load(connection, files, options, progress);

    /// <summary>
    /// Swaps staging, core and mart with the build's schemas, each swap atomic. Tables in a published schema that are
    /// not models (the written-back scores in <c>mart</c>) are first cloned (zero-copy) into the build's schema so the
    /// swap keeps them. Afterwards the build's schemas hold the previous build and are dropped.
    /// </summary>
    public void Publish(DbConnection connection, IReadOnlyList<Model> models, long buildId, Action markPublished)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(markPublished);
        // A view keeps its text: one naming another model's build schema would point at the old build after the swap.
        if (models.FirstOrDefault(m => m.Layer == "staging" && ModelReference().IsMatch(ModelCatalog.StripComments(m.Sql))) is { } view)
        {
            throw new WarehouseException($"Model {view.QualifiedName} is a view that references another model; on Snowflake staging models may read only raw tables.");
        }

        foreach (var statement in PublishStatements(connection, models, buildId))
        {
            connection.Execute(statement);
        }

        markPublished();
        foreach (var layer in ModelCatalog.Layers)
        {
            connection.Execute(DropSchemaCascade(SqlRewriter.BuildSchema(layer, buildId)));
        }
    }

    /// <summary>The statements that switch readers to build <paramref name="buildId"/>, in order.</summary>
    internal static IEnumerable<string> PublishStatements(DbConnection connection, IReadOnlyList<Model> models, long buildId)
    {
        foreach (var layer in ModelCatalog.Layers)
        {
            yield return $"create schema if not exists {layer}";
            var modelNames = models.Where(m => m.Layer == layer).Select(m => m.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var kept = connection.Query(
                "select table_name from information_schema.tables where lower(table_schema) = $layer and table_type = 'BASE TABLE'",
                r => r.GetString(0).ToLowerInvariant(),
                ("layer", layer)).Where(t => !modelNames.Contains(t)).ToList();
            var build = SqlRewriter.BuildSchema(layer, buildId);
            foreach (var table in kept)
            {
                yield return $"create or replace table {SnowflakeSql.Name($"{build}.{table}")} clone {SnowflakeSql.Name($"{layer}.{table}")}";
            }

            yield return SnowflakeSql.SwapSchema(layer, build);
        }
    }

    public Task<IReadOnlyList<ParquetExportResult>> ExportParquetAsync(
        DbConnection connection,
        IReadOnlyList<ParquetExportRequest> tables,
        string outDirectory,
        ParquetExportSettings settings,
        IProgress<string>? progress,
        CancellationToken cancellationToken) =>
        Task.FromResult(SnowflakeParquetExport.Export(connection, tables, outDirectory, progress));

    public IStagedRows StageRows<T>(DbConnection connection, DeclaredTable table, IEnumerable<T> rows, BulkRowWriter<T> write, IProgress<string>? progress) =>
        SnowflakeStagedRows.Stage(connection, table, rows, write, progress);

    [GeneratedRegex(@"\b(seeds|staging|core|mart)\.[A-Za-z_]", RegexOptions.IgnoreCase)]
    private static partial Regex ModelReference();
}
