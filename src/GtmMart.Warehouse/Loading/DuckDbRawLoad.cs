using System.Data.Common;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.History;

namespace GtmMart.Warehouse.Loading;

/// <summary>
/// DuckDB's raw load: each file is read into connection-local temp tables (<see cref="DuckDbRawReader"/>), the load
/// is checked (<see cref="LoadGate"/>), then every raw table is replaced (or, appending, added to) in one
/// transaction with the opportunities' stage history (<see cref="OpportunityHistory"/>). A refused load commits only its bookkeeping: the log marks it refused and its rejects are kept.
/// <para>
/// Replacing, each new raw table and its fingerprints are first written to tables of their own
/// (<c>raw._gtm_loading_*</c>, each committed by itself, so no transaction holds a whole load's rows: at 100M sessions
/// that one transaction spilled for an hour); the transaction that publishes them only drops the old tables and renames
/// the new ones, with the bookkeeping and the stage history. A failure before or inside it leaves the previous raw
/// tables as they were; the staged tables are dropped (and any a killed load left are dropped by the next one).
/// </para>
/// </summary>
internal static class DuckDbRawLoad
{
    public static LoadReport Load(DbConnection connection, IReadOnlyList<(RawSource Source, SourceFile? File)> files, LoadOptions options, IProgress<string>? progress)
    {
        var reader = new DuckDbRawReader(connection, options);
        var readCounts = new Dictionary<string, long>();
        foreach (var file in files.Select(f => f.File).OfType<SourceFile>())
        {
            progress?.Report($"reading {file.FileName}");
            readCounts[file.Source.Name] = reader.Read(file);
        }

        LoadMetadata.Ensure(connection);
        OpportunityHistory.Ensure(connection);
        var loadId = LoadMetadata.NextLoadId(connection);
        var present = files.Where(f => f.File is not null).Select(f => (File: f.File!, Read: readCounts[f.Source.Name],
            Rejected: connection.Scalar<long>($"select count(*) from {DuckDbRawReader.Checked(f.Source)} where _reject_reason is not null"))).ToList();
        if (LoadGate.Verdict(connection, present, DuckDbRawReader.Checked, options, loadId) is { } refusal)
        {
            connection.InTransaction(_ =>
            {
                foreach (var (file, read, rejected) in present)
                {
                    InsertRejects(connection, loadId, file);
                    LoadMetadata.Log(connection, loadId, new SourceLoadResult(file.Source.Name, file.Path, read, 0, rejected), "refused", options);
                }

                return 0;
            });
            throw new WarehouseException(refusal);
        }

        DropStaged(connection);
        try
        {
            foreach (var (source, file) in files.Where(f => Replaces(connection, f.Source, f.File, options)))
            {
                progress?.Report($"writing raw.{source.TableName}");
                Stage(connection, source, file);
            }

            progress?.Report(options.Append ? "adding to the raw tables" : "publishing raw tables");
            return connection.InTransaction(_ =>
            {
                var results = new List<SourceLoadResult>();
                foreach (var (source, file) in files)
                {
                    if (file is null && options.Append)
                    {
                        continue;
                    }

                    results.Add(Publish(connection, loadId, source, file, file is null ? 0 : readCounts[source.Name], options));
                }

                // The stage history moves with the raw tables: same transaction, so a killed load leaves both as they were.
                var history = OpportunityHistory.Snapshot(connection, loadId, OpportunityHistory.Now());
                OpportunityHistory.Audit(connection, loadId);
                Failpoint.Hit(LoadMetadata.BeforeCommitFailpoint);
                return new LoadReport(loadId, results) { History = history };
            });
        }
        finally
        {
            DropStaged(connection);
        }
    }

    /// <summary>The table a replacing load writes <paramref name="source"/>'s new rows to before it publishes them by a rename.</summary>
    private static string StagedTable(RawSource source) => $"raw.{DuckDbRawReader.Q(StagedPrefix + source.TableName)}";

    /// <summary>The name prefix of the tables a replacing load stages in <c>raw</c> (its fingerprints' too: <see cref="RawFingerprints"/>), all dropped by <see cref="DropStaged"/>.</summary>
    internal const string StagedPrefix = "_gtm_loading_";

    /// <summary>
    /// Writes <paramref name="source"/>'s loaded rows (in file order) to its staged table and their fingerprints beside
    /// them, each statement committing by itself.
    /// </summary>
    private static void Stage(DbConnection connection, RawSource source, SourceFile? file)
    {
        var columns = string.Join(", ", source.Columns.Select(c => DuckDbRawReader.Q(c.Name)));
        var table = StagedTable(source);
        if (file is null)
        {
            var empty = string.Join(", ", source.Columns.Select(c => $"cast(null as {c.SqlType}) as {DuckDbRawReader.Q(c.Name)}"));
            connection.Execute($"create table {table} as select {empty}, cast(null as varchar) as _file, cast(null as bigint) as _line where false");
        }
        else
        {
            connection.Execute(
                $"create table {table} as select {columns}, cast($file as varchar) as _file, _line from {DuckDbRawReader.Checked(source)} where _reject_reason is null order by _line",
                ("file", file.FileName));
        }

        RawFingerprints.Stage(connection, source, table);
    }

    /// <summary>Drops every staged table (this load's, or those a killed load left behind).</summary>
    private static void DropStaged(DbConnection connection)
    {
        var staged = connection.Query(
            "select table_name from duckdb_tables() where database_name = current_database() and schema_name = 'raw' and starts_with(table_name, $prefix)",
            r => r.GetString(0),
            ("prefix", StagedPrefix));
        foreach (var table in staged)
        {
            connection.Execute($"drop table if exists raw.{DuckDbRawReader.Q(table)}");
        }
    }

    private static SourceLoadResult Publish(DbConnection connection, long loadId, RawSource source, SourceFile? file, long read, LoadOptions options)
    {
        var columns = string.Join(", ", source.Columns.Select(c => DuckDbRawReader.Q(c.Name)));
        var table = RawTable(source);
        if (file is null)
        {
            Swap(connection, source);
            var absent = new SourceLoadResult(source.Name, null, 0, 0, 0);
            LoadMetadata.Log(connection, loadId, absent, "loaded", options);
            return absent;
        }

        var staged = DuckDbRawReader.Checked(source);
        long replaced = 0;
        if (!Replaces(connection, source, file, options))
        {
            // A record whose key is loaded already replaces the loaded one (a restated day of spend, a changed stage).
            var match = string.Join(" and ", source.Key.Select(k => $"{table}.{DuckDbRawReader.Q(k)} = s.{DuckDbRawReader.Q(k)}"));
            var replacedRows = $"(select * from {table} where exists (select 1 from (select * from {staged} where _reject_reason is null) as s where {match}))";
            RawFingerprints.Add(connection, source, replacedRows, -1);
            replaced = connection.Execute($"delete from {table} using (select * from {staged} where _reject_reason is null) as s where {match}");
            connection.Execute(
                $"insert into {table} select {columns}, cast($file as varchar) as _file, _line from {staged} where _reject_reason is null order by _line",
                ("file", file.FileName));
            RawFingerprints.Add(connection, source, $"(select * from {staged} where _reject_reason is null)", 1);
        }
        else
        {
            Swap(connection, source);
        }

        InsertRejects(connection, loadId, file);
        var loaded = connection.Scalar<long>($"select count(*) from {staged} where _reject_reason is null");
        var rejected = connection.Scalar<long>($"select count(*) from {staged} where _reject_reason is not null");
        LoadMetadata.EnsureBalanced(file, read, loaded, rejected);

        var result = new SourceLoadResult(source.Name, file.Path, read, loaded, rejected, replaced);
        LoadMetadata.Log(connection, loadId, result, "loaded", options);
        connection.Execute($"drop table {staged}");
        return result;
    }

    /// <summary>Puts the staged table in place of <paramref name="source"/>'s raw table, and its fingerprints in place of the old ones.</summary>
    private static void Swap(DbConnection connection, RawSource source)
    {
        connection.Execute($"drop table if exists {RawTable(source)}");
        connection.Execute($"alter table {StagedTable(source)} rename to {DuckDbRawReader.Q(source.TableName)}");
        RawFingerprints.ReplaceWithStaged(connection, source);
    }

    private static void InsertRejects(DbConnection connection, long loadId, SourceFile file) =>
        connection.Execute(
            $"insert into raw.load_rejects select $load_id, $source, $file, _line, _reject_column, _reject_reason, _reject_value from {DuckDbRawReader.Checked(file.Source)} where _reject_reason is not null order by _line",
            ("load_id", loadId), ("source", file.Source.Name), ("file", file.Path));

    private static string RawTable(RawSource source) => $"raw.{DuckDbRawReader.Q(source.TableName)}";

    /// <summary>True when the load replaces <paramref name="source"/>'s raw table (else it adds to it, or, appending without the file, leaves it).</summary>
    private static bool Replaces(DbConnection connection, RawSource source, SourceFile? file, LoadOptions options) =>
        !options.Append || (file is not null && !RawTableExists(connection, source));

    private static bool RawTableExists(DbConnection connection, RawSource source) =>
        WarehouseReadiness.TableExists(connection, "raw", source.TableName);
}
