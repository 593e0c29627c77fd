using System.Data.Common;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Loading;

/// <summary>
/// Fingerprints of the raw tables (DuckDB): per day and per key, the row count and the sum of the rows' hashes, kept in
/// <c>raw.fingerprints</c> and updated by every load in the same transaction as the rows (a replace recomputes its
/// source's, an append adds its rows' and takes away the rows it replaced), so a build compares them with the published
/// build's without hashing every raw row again. A build checks they still add up to the raw tables' row counts and
/// recomputes them when not; raw rows changed in place by hand (same count) change no fingerprint, so only
/// <c>gtm build --full-refresh</c> (which rebuilds everything from the raw rows) takes them in.
/// </summary>
public static class RawFingerprints
{
    public const string Table = "raw.fingerprints";

    /// <summary>
    /// The raw columns the mapping seeds apply to by default (sql/seeds/_models.yml): their values (trimmed, lower case)
    /// are counted beside the fingerprints, so a build lists unmapped values from the counts instead of reading the raw tables.
    /// </summary>
    private static readonly (RawSource Source, string Column)[] ValueColumns =
    [
        (RawSources.WebAnalytics, "utm_source"),
        (RawSources.AdSpend, "channel"),
        (RawSources.SalesforceOpportunities, "source"),
        (RawSources.SalesforceOpportunities, "stage"),
        (RawSources.CrmContacts, "job_level"),
    ];

    /// <summary>What is fingerprinted: a source, the kind of key, and the key expression over the source's columns.</summary>
    private static readonly (RawSource Source, string Kind, string Key)[] Parts =
    [
        (RawSources.WebAnalytics, "sessions_day", "cast(session_date as varchar)"),
        (RawSources.AdSpend, "spend_day", "cast(date as varchar)"),
        (RawSources.SalesforceOpportunities, "opps_day", "cast(created_date as varchar)"),
        (RawSources.SalesforceOpportunities, "opps_account", "trim(account_id)"),
        (RawSources.SalesforceAccounts, "accounts", "trim(account_id)"),
        (RawSources.CrmContacts, "contacts", "trim(user_id)"),
        .. ValueColumns.Select(v => (v.Source, ValueKind(v.Source.TableName, v.Column), ValueKey(v.Column))),
    ];

    /// <summary>The kind under which the value counts of raw.<paramref name="table"/>'s <paramref name="column"/> are kept.</summary>
    public static string ValueKind(string table, string column) => $"values:{table}.{column}";

    /// <summary>The value a seed matches (as the models match it): trimmed and lower case.</summary>
    public static string ValueKey(string column) => $"lower(trim(cast({RawRules.Q(column)} as varchar)))";

    /// <summary>The fingerprints (<c>kind, key, n, h</c>) of <paramref name="source"/>'s rows in <paramref name="relation"/>.</summary>
    public static string Select(RawSource source, string relation)
    {
        ArgumentNullException.ThrowIfNull(source);
        var hash = $"hash({string.Join(", ", source.Columns.Select(c => $"cast({RawRules.Q(c.Name)} as {c.SqlType})"))})";
        // Value counts need no hash: the day and key fingerprints already tell what changed.
        return string.Join(" union all ", Parts.Where(p => p.Source == source).Select(p =>
            $"select '{p.Kind}' as kind, {p.Key} as key, count(*) as n, {(p.Kind.StartsWith("values:", StringComparison.Ordinal) ? "cast(0 as hugeint)" : $"sum({hash})")} as h from {relation} group by {p.Key}"));
    }

    /// <summary>The fingerprints of every raw table as it is now, computed from the rows.</summary>
    public static string SelectAll() => string.Join(" union all ", Parts.Select(p => p.Source).Distinct().Select(s => Select(s, $"raw.{s.TableName}")));

    /// <summary>Where a replacing load writes the fingerprints of its staged tables before it publishes them.</summary>
    private const string StagedFingerprints = $"raw.{DuckDbRawLoad.StagedPrefix}fingerprints"; // dropped with the staged tables

    /// <summary>Computes <paramref name="source"/>'s fingerprints from <paramref name="relation"/> (a staged raw table) into the staged fingerprints.</summary>
    public static void Stage(DbConnection connection, RawSource source, string relation)
    {
        ArgumentNullException.ThrowIfNull(source);
        connection.Execute($"create table if not exists {StagedFingerprints} (source varchar not null, kind varchar not null, key varchar, n bigint not null, h hugeint)");
        connection.Execute($"insert into {StagedFingerprints} select $source, kind, key, n, h from ({Select(source, relation)})", ("source", source.Name));
    }

    /// <summary>Replaces <paramref name="source"/>'s fingerprints with those <see cref="Stage"/> computed.</summary>
    public static void ReplaceWithStaged(DbConnection connection, RawSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Ensure(connection);
        connection.Execute($"delete from {Table} where source = $source", ("source", source.Name));
        connection.Execute($"insert into {Table} select * from {StagedFingerprints} where source = $source", ("source", source.Name));
    }

    /// <summary>Adds (<paramref name="sign"/> 1) or takes away (-1) the fingerprints of <paramref name="source"/>'s rows in <paramref name="relation"/>.</summary>
    public static void Add(DbConnection connection, RawSource source, string relation, int sign)
    {
        ArgumentNullException.ThrowIfNull(source);
        Ensure(connection);
        connection.Execute("drop table if exists _gtm_fp_delta");
        connection.Execute($"create temp table _gtm_fp_delta as {Select(source, relation)}");
        connection.Execute(
            $"""
            update {Table} as fp set n = fp.n + {sign} * d.n, h = fp.h + {sign} * d.h
            from _gtm_fp_delta as d
            where fp.source = $source and fp.kind = d.kind and fp.key is not distinct from d.key
            """,
            ("source", source.Name));
        connection.Execute(
            $"""
            insert into {Table}
            select $source, d.kind, d.key, {sign} * d.n, {sign} * d.h from _gtm_fp_delta as d
            where not exists (select 1 from {Table} as fp where fp.source = $source and fp.kind = d.kind and fp.key is not distinct from d.key)
            """,
            ("source", source.Name));
        connection.Execute($"delete from {Table} where source = $source and n = 0", ("source", source.Name));
        connection.Execute("drop table _gtm_fp_delta");
    }

    /// <summary>
    /// True when the kept fingerprints exist for every raw table and each one's rows add up to the table's row count
    /// (anything else, such as a warehouse loaded before they were kept, means they must be computed again).
    /// </summary>
    public static bool Current(DbConnection connection)
    {
        if (!WarehouseReadiness.TableExists(connection, "raw", "fingerprints"))
        {
            return false;
        }

        foreach (var (source, kind, _) in Parts)
        {
            var rows = WarehouseReadiness.TableExists(connection, "raw", source.TableName)
                ? connection.Scalar<long>($"select count(*) from raw.{source.TableName}")
                : 0;
            var kept = connection.Scalar<long?>($"select sum(n) from {Table} where source = $source and kind = $kind", ("source", source.Name), ("kind", kind)) ?? 0;
            if (rows != kept)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Computes every source's fingerprints from its raw table again.</summary>
    public static void Recompute(DbConnection connection)
    {
        Ensure(connection);
        connection.Execute($"delete from {Table}");
        foreach (var source in Parts.Select(p => p.Source).Distinct().Where(s => WarehouseReadiness.TableExists(connection, "raw", s.TableName)))
        {
            connection.Execute($"insert into {Table} select $source, kind, key, n, h from ({Select(source, $"raw.{source.TableName}")})", ("source", source.Name));
        }
    }

    private static void Ensure(DbConnection connection) =>
        connection.Execute($"create table if not exists {Table} (source varchar not null, kind varchar not null, key varchar, n bigint not null, h hugeint)");
}
