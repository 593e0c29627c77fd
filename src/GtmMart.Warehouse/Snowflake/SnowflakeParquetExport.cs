using System.Data.Common;
using System.Globalization;
using GtmMart.Warehouse.Bulk;
using GtmMart.Warehouse.Connection;
using Parquet;

namespace GtmMart.Warehouse.Snowflake;

/// <summary>
/// The Snowflake side of the bulk export: each table is unloaded server-side with <c>COPY INTO @stage/... FROM
/// (select ...) FILE_FORMAT = (TYPE = PARQUET)</c> into one file, then GET brings the folder down. The select names
/// every column in lower case (as the snapshot reader expects) and casts numbers to types the reader maps
/// (integers to <c>number(18, 0)</c>, others to <c>double</c>). What was written is read back from the files' footers.
/// </summary>
internal static class SnowflakeParquetExport
{
    public static IReadOnlyList<ParquetExportResult> Export(DbConnection connection, IReadOnlyList<ParquetExportRequest> tables, string outDirectory, IProgress<string>? progress)
    {
        var folder = SnowflakeSql.StagePath("export", SnowflakeSql.KeySegment("export", Guid.NewGuid().ToString("N")));
        connection.Execute(SnowflakeSql.CreateStage());
        try
        {
            foreach (var table in tables)
            {
                progress?.Report($"{table.Table}: unloading to {folder}");
                connection.Execute(Unload(connection, table, folder));
            }

            progress?.Report($"downloading {folder} to {outDirectory}");
            connection.Execute(SnowflakeSql.Get(folder, outDirectory));
        }
        finally
        {
            connection.Execute(SnowflakeSql.Remove(folder));
        }

        return [.. tables.Select(t => Describe(t, Path.Combine(outDirectory, t.FileName)))];
    }

    /// <summary>The unload statement for one table: its columns (from information_schema) renamed to lower case and cast.</summary>
    internal static string Unload(DbConnection connection, ParquetExportRequest request, string folder)
    {
        var name = SnowflakeSql.Name(request.Table);
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var columns = connection.Query(
            "select column_name, data_type, numeric_scale from information_schema.columns where lower(table_schema) = $schema and lower(table_name) = $table order by ordinal_position",
            r => (Name: r.GetString(0), Type: r.GetString(1), Scale: r.IsDBNull(2) ? (long?)null : Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture)),
            ("schema", name[..dot].ToLowerInvariant()), ("table", name[(dot + 1)..].ToLowerInvariant()));
        if (columns.Count == 0)
        {
            throw new WarehouseException($"{request.Table} has no columns on Snowflake: is the mart built and published?");
        }

        var select = string.Join(", ", columns.Select(c =>
        {
            var column = SnowflakeSql.Name(c.Name);
            var alias = "\"" + c.Name.ToLowerInvariant() + "\"";
            return c.Type.ToUpperInvariant() switch
            {
                "NUMBER" when c.Scale == 0 => $"cast({column} as number(18, 0)) as {alias}",
                "NUMBER" or "FLOAT" => $"cast({column} as double) as {alias}",
                _ => $"{column} as {alias}",
            };
        }));
        return SnowflakeSql.UnloadParquet(folder, request.FileName, $"select {select} from {name} order by 1");
    }

    private static ParquetExportResult Describe(ParquetExportRequest request, string path) => DescribeAsync(request, path).GetAwaiter().GetResult();

    private static async Task<ParquetExportResult> DescribeAsync(ParquetExportRequest request, string path)
    {
        if (!File.Exists(path))
        {
            throw new WarehouseException($"GET did not bring {Path.GetFileName(path)} down for {request.Table}.");
        }

        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream).ConfigureAwait(false);
        var columns = reader.Schema.DataFields.Select(f => new ParquetColumn(f.Name, TypeName(f.ClrType))).ToList();
        return new ParquetExportResult(request.Table, request.FileName, reader.Metadata!.NumRows, reader.RowGroupCount, columns);
    }

    private static string TypeName(Type type) => type switch
    {
        _ when type == typeof(string) || type == typeof(ReadOnlyMemory<char>) => "string",
        _ when type == typeof(int) => "int32",
        _ when type == typeof(long) => "int64",
        _ when type == typeof(double) => "double",
        _ when type == typeof(bool) => "bool",
        _ when type == typeof(DateOnly) => "date",
        _ when type == typeof(DateTime) => "timestamp",
        _ => type.Name.ToLowerInvariant(),
    };
}
