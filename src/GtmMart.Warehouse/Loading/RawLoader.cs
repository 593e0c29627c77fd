using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Loading;

/// <summary>
/// Loads a raw folder into the <c>raw</c> schema. Every file is checked before anything changes; then all files
/// are read into temp tables and swapped in together in one transaction, so a failure leaves the warehouse as it was.
/// Rejected records go to <c>raw.load_rejects</c> with file, line, column and reason; counts go to <c>raw.load_log</c>.
/// </summary>
public sealed class RawLoader(IWarehouse warehouse)
{
    public LoadReport Load(string directory, IProgress<string>? progress = null)
    {
        if (!Directory.Exists(directory))
        {
            throw new WarehouseException($"Raw folder not found: {Path.GetFullPath(directory)}");
        }

        using var connection = warehouse.Open();
        var files = new List<(RawSource Source, SourceFile? File)>();
        foreach (var source in RawSources.All)
        {
            var path = SourceFile.Locate(source, directory);
            if (path is null)
            {
                files.Add((source, null));
                continue;
            }

            var format = path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? SourceFormat.Parquet : SourceFormat.Csv;
            var header = format == SourceFormat.Csv ? SourceFile.ReadCsvHeader(path) : DuckDbRawReader.ReadParquetHeader(connection, path);
            var file = new SourceFile(source, path, format, header);
            file.EnsureRequiredColumns();
            files.Add((source, file));
        }

        var reader = new DuckDbRawReader(connection);
        var readCounts = new Dictionary<string, long>();
        foreach (var file in files.Select(f => f.File).OfType<SourceFile>())
        {
            progress?.Report($"reading {file.FileName}");
            readCounts[file.Source.Name] = reader.Read(file);
        }

        progress?.Report("publishing raw tables");
        return connection.InTransaction(_ =>
        {
            LoadMetadata.Ensure(connection);
            var loadId = (connection.Scalar<long?>("select max(load_id) from raw.load_log") ?? 0) + 1;
            var results = new List<SourceLoadResult>();
            foreach (var (source, file) in files)
            {
                results.Add(Publish(connection, loadId, source, file, file is null ? 0 : readCounts[source.Name]));
            }

            return new LoadReport(loadId, results);
        });
    }

    private static SourceLoadResult Publish(System.Data.Common.DbConnection connection, long loadId, RawSource source, SourceFile? file, long read)
    {
        var columns = string.Join(", ", source.Columns.Select(c => DuckDbRawReader.Q(c.Name)));
        var table = $"raw.{DuckDbRawReader.Q(source.TableName)}";
        if (file is null)
        {
            var empty = string.Join(", ", source.Columns.Select(c => $"cast(null as {c.SqlType}) as {DuckDbRawReader.Q(c.Name)}"));
            connection.Execute($"create or replace table {table} as select {empty}, cast(null as varchar) as _file, cast(null as bigint) as _line where false");
            connection.Execute(
                "insert into raw.load_log values ($load_id, $source, null, 0, 0, 0, current_timestamp)",
                ("load_id", loadId), ("source", source.Name));
            return new SourceLoadResult(source.Name, null, 0, 0, 0);
        }

        var staged = DuckDbRawReader.Checked(source);
        connection.Execute(
            $"create or replace table {table} as select {columns}, cast($file as varchar) as _file, _line from {staged} where _reject_reason is null order by _line",
            ("file", file.FileName));
        connection.Execute(
            $"insert into raw.load_rejects select $load_id, $source, $file, _line, _reject_column, _reject_reason, _reject_value from {staged} where _reject_reason is not null order by _line",
            ("load_id", loadId), ("source", source.Name), ("file", file.Path));
        var loaded = connection.Scalar<long>($"select count(*) from {table}");
        var rejected = connection.Scalar<long>($"select count(*) from {staged} where _reject_reason is not null");
        if (loaded + rejected != read)
        {
            throw new WarehouseException($"{file.Path}: {read} records read but {loaded} loaded and {rejected} rejected; nothing was changed.");
        }

        connection.Execute(
            "insert into raw.load_log values ($load_id, $source, $file, $read, $loaded, $rejected, current_timestamp)",
            ("load_id", loadId), ("source", source.Name), ("file", file.Path), ("read", read), ("loaded", loaded), ("rejected", rejected));
        connection.Execute($"drop table {staged}");
        return new SourceLoadResult(source.Name, file.Path, read, loaded, rejected);
    }
}
