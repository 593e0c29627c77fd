using System.Data.Common;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Loading;

/// <summary>
/// DuckDB's raw load: each file is read into connection-local temp tables (<see cref="DuckDbRawReader"/>), then all
/// raw tables are replaced together in one transaction.
/// </summary>
internal static class DuckDbRawLoad
{
    public static LoadReport Load(DbConnection connection, IReadOnlyList<(RawSource Source, SourceFile? File)> files, IProgress<string>? progress)
    {
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
            var loadId = LoadMetadata.NextLoadId(connection);
            var results = new List<SourceLoadResult>();
            foreach (var (source, file) in files)
            {
                results.Add(Publish(connection, loadId, source, file, file is null ? 0 : readCounts[source.Name]));
            }

            return new LoadReport(loadId, results);
        });
    }

    private static SourceLoadResult Publish(DbConnection connection, long loadId, RawSource source, SourceFile? file, long read)
    {
        var columns = string.Join(", ", source.Columns.Select(c => DuckDbRawReader.Q(c.Name)));
        var table = $"raw.{DuckDbRawReader.Q(source.TableName)}";
        if (file is null)
        {
            var empty = string.Join(", ", source.Columns.Select(c => $"cast(null as {c.SqlType}) as {DuckDbRawReader.Q(c.Name)}"));
            connection.Execute($"create or replace table {table} as select {empty}, cast(null as varchar) as _file, cast(null as bigint) as _line where false");
            LoadMetadata.Log(connection, loadId, new SourceLoadResult(source.Name, null, 0, 0, 0));
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
        LoadMetadata.EnsureBalanced(file, read, loaded, rejected);

        var result = new SourceLoadResult(source.Name, file.Path, read, loaded, rejected);
        LoadMetadata.Log(connection, loadId, result);
        connection.Execute($"drop table {staged}");
        return result;
    }
}
