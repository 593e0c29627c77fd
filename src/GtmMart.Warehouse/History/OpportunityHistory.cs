using System.Data.Common;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.History;

/// <summary>
/// The opportunities' stage history across loads, as a slowly changing dimension type 2 (dbt snapshot style):
/// <c>history.opportunity_snapshots</c> holds one row per opportunity and state (stage, amount, close date, owner and
/// owner region), valid from the load that first saw that state until the load that saw it change
/// (<c>valid_to</c>; null for the current row). Every load, replacing or appending, takes the snapshot in the same
/// transaction that publishes the raw tables, so a killed or refused load leaves the history as it was; a load that
/// changes no opportunity adds nothing. An opportunity missing from the raw table after a load (a full reload
/// without it) has its current row closed (dbt's <c>invalidate_hard_deletes</c>). The table lives in its own
/// schema, which builds (full or incremental) and loads never replace: only this class writes it.
/// </summary>
public static class OpportunityHistory
{
    public const string Schema = "history";
    public const string Table = "opportunity_snapshots";
    public const string QualifiedName = $"{Schema}.{Table}";

    /// <summary>The tracked state columns, compared null-safely to decide whether an opportunity changed.</summary>
    public static readonly IReadOnlyList<string> StateColumns = ["account_id", "stage_name", "amount_usd", "close_date", "owner_id", "owner_region"];

    /// <summary>The state of every raw opportunity (<c>sql/history/queries/opportunity_state.sql</c>, built into this assembly).</summary>
    public static string StateSql { get; } = HistorySql.Read("opportunity_state.sql");

    /// <summary>Creates the schema and the table when missing (outside any transaction: DDL commits on Snowflake).</summary>
    public static void Ensure(DbConnection connection) => HistoryTables.Snapshots.Ensure(connection);

    /// <summary>
    /// The table's data tests (<c>sql/history/_tables.yml</c>) on what the load's transaction is about to commit: a
    /// failure throws, the load rolls back and the raw tables and the history stay as they were.
    /// </summary>
    public static void Audit(DbConnection connection, long loadId)
    {
        var failed = HistoryTables.Set.Test(connection, HistoryTables.Set.TestsOf(HistoryTables.Snapshots)).Where(r => !r.Passed).ToList();
        if (failed.Count > 0)
        {
            throw new WarehouseException(
                $"load {loadId} was not committed: {failed.Count} data test(s) on {QualifiedName} failed " +
                $"({string.Join("; ", failed.Take(3).Select(f => $"{f.Test.Name}: {f.FailingRows:N0} row(s)"))}); the previous load is unchanged.");
        }
    }

    /// <summary>
    /// Records the raw opportunities' state as of <paramref name="loadedAt"/> (UTC): closes the current rows whose
    /// opportunity changed or disappeared and opens a row for every opportunity with no current row. Call inside the
    /// load's transaction, after the raw tables are replaced. Returns the rows (closed, opened).
    /// </summary>
    public static (int Closed, int Opened) Snapshot(DbConnection connection, long loadId, DateTime loadedAt)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var same = string.Join(" and ", StateColumns.Select(c => $"s.{c} is not distinct from h.{c}"));
        var closed = connection.Execute(
            $"""
            update {QualifiedName} as h set valid_to = $at
            where h.valid_to is null
              and not exists (select 1 from ({StateSql}) as s where s.opportunity_id = h.opportunity_id and {same})
            """,
            ("at", loadedAt));
        var columns = string.Join(", ", StateColumns);
        var opened = connection.Execute(
            $"""
            insert into {QualifiedName} (opportunity_id, {columns}, valid_from, valid_to, load_id)
            select s.opportunity_id, {string.Join(", ", StateColumns.Select(c => $"s.{c}"))}, $at, cast(null as timestamp), $load
            from ({StateSql}) as s
            where not exists (select 1 from {QualifiedName} as h where h.valid_to is null and h.opportunity_id = s.opportunity_id)
            """,
            ("at", loadedAt), ("load", loadId));
        return (closed, opened);
    }

    /// <summary>Now in UTC, truncated to microseconds (what a timestamp column keeps).</summary>
    public static DateTime Now()
    {
        var utc = DateTime.UtcNow;
        return new DateTime(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);
    }
}
