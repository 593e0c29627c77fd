using System.Data.Common;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Snowflake;
using Parquet;

namespace GtmMart.Training.Export;

/// <summary>
/// The feature export on Snowflake: each table is unloaded server-side with <c>COPY INTO @stage/... FROM (select ...)
/// FILE_FORMAT = (TYPE = PARQUET)</c> into one file, then GET brings the folder down. The select names every column in
/// lower case (as the snapshot reader expects) and casts numbers to types the reader maps (integers to
/// <c>number(18, 0)</c>, others to <c>double</c>). The manifest is built from the downloaded files themselves.
/// </summary>
internal static class SnowflakeFeatureExport
{
    public static ExportManifest Export(IWarehouse warehouse, string outDirectory, IReadOnlyList<string> tables, IProgress<string>? progress)
    {
        using var connection = warehouse.Open();
        var buildId = BuildMetadata.PublishedBuild(connection);
        var folder = SnowflakeSql.StagePath("export", SnowflakeSql.KeySegment("export", Guid.NewGuid().ToString("N")));
        connection.Execute(SnowflakeSql.CreateStage());
        try
        {
            foreach (var table in tables)
            {
                progress?.Report($"{table}: unloading to {folder}");
                connection.Execute(Unload(connection, table, folder));
            }

            // Snowflake reads each statement at its own time: a build published meanwhile would mix two builds.
            if (BuildMetadata.PublishedBuild(connection) != buildId)
            {
                throw new WarehouseException("A new build was published during the export; run it again.");
            }

            progress?.Report($"downloading {folder} to {outDirectory}");
            connection.Execute(SnowflakeSql.Get(folder, outDirectory));
        }
        finally
        {
            connection.Execute(SnowflakeSql.Remove(folder));
        }

        var files = tables.Select(t => Describe(t, Path.Combine(outDirectory, FeatureExporter.BareName(t) + ".parquet"))).ToList();
        var manifest = new ExportManifest(DateTime.UtcNow, warehouse.DisplayName, buildId, files, ExportManifest.ComputeSnapshotHash(files.Select(f => f.Sha256)));
        manifest.Write(outDirectory);
        progress?.Report($"snapshot {manifest.SnapshotHash[..12]} written to {outDirectory}");
        return manifest;
    }

    /// <summary>The unload statement for one table: its columns (from information_schema) renamed to lower case and cast.</summary>
    internal static string Unload(DbConnection connection, string table, string folder)
    {
        var name = SnowflakeSql.Name(table);
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var columns = connection.Query(
            "select column_name, data_type, numeric_scale from information_schema.columns where lower(table_schema) = $schema and lower(table_name) = $table order by ordinal_position",
            r => (Name: r.GetString(0), Type: r.GetString(1), Scale: r.IsDBNull(2) ? (long?)null : Convert.ToInt64(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture)),
            ("schema", name[..dot].ToLowerInvariant()), ("table", name[(dot + 1)..].ToLowerInvariant()));
        if (columns.Count == 0)
        {
            throw new WarehouseException($"{table} has no columns on Snowflake: is the mart built and published?");
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
        return SnowflakeSql.UnloadParquet(folder, FeatureExporter.BareName(table) + ".parquet", $"select {select} from {name} order by 1");
    }

    private static ExportedFile Describe(string table, string path) => DescribeAsync(table, path).GetAwaiter().GetResult();

    private static async Task<ExportedFile> DescribeAsync(string table, string path)
    {
        if (!File.Exists(path))
        {
            throw new WarehouseException($"GET did not bring {Path.GetFileName(path)} down for {table}.");
        }

        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream).ConfigureAwait(false);
        var columns = reader.Schema.DataFields.Select(f => new ExportedColumn(f.Name, TypeName(f.ClrType))).ToList();
        return new ExportedFile(table, Path.GetFileName(path), reader.Metadata!.NumRows, reader.RowGroupCount, columns, ExportManifest.HashFile(path));
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
