using System.Data.Common;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Loading;

/// <summary>The load bookkeeping tables that live beside the raw tables.</summary>
public static class LoadMetadata
{
    /// <summary>Inside the load's transaction, after the raw tables and the stage history are written (crash tests).</summary>
    public const string BeforeCommitFailpoint = "load:before-commit";

    public static void Ensure(DbConnection connection)
    {
        connection.Execute("create schema if not exists raw");
        connection.Execute(
            """
            create table if not exists raw.load_log (
                load_id bigint not null, source varchar not null, file varchar,
                rows_read bigint not null, rows_loaded bigint not null, rows_rejected bigint not null,
                loaded_at timestamp not null)
            """);
        // Added after the first release: warehouses loaded before have the columns added (old rows: a full load).
        connection.Execute("alter table raw.load_log add if not exists status varchar default 'loaded'");
        connection.Execute("alter table raw.load_log add if not exists mode varchar default 'replace'");
        connection.Execute("alter table raw.load_log add if not exists rows_replaced bigint default 0");
        connection.Execute(
            """
            create table if not exists raw.load_rejects (
                load_id bigint not null, source varchar not null, file varchar not null, line bigint not null,
                column_name varchar, reason varchar not null, raw_value varchar)
            """);
    }

    public static long NextLoadId(DbConnection connection) =>
        (connection.Scalar<long?>("select max(load_id) from raw.load_log") ?? 0) + 1;

    /// <summary>
    /// Records what one source contributed to load <paramref name="loadId"/>: <paramref name="status"/> is
    /// <c>loaded</c>, or <c>refused</c> for a load <see cref="LoadGate"/> stopped (its rejects are kept, its rows are not).
    /// </summary>
    public static void Log(DbConnection connection, long loadId, SourceLoadResult result, string status = "loaded", LoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        connection.Execute(
            "insert into raw.load_log (load_id, source, file, rows_read, rows_loaded, rows_rejected, loaded_at, status, mode, rows_replaced) " +
            "values ($load_id, $source, $file, $read, $loaded, $rejected, current_timestamp, $status, $mode, $replaced)",
            ("load_id", loadId), ("source", result.Source), ("file", result.File), ("read", result.Read), ("loaded", result.Loaded), ("rejected", result.Rejected),
            ("status", status), ("mode", options?.Append == true ? "append" : "replace"), ("replaced", result.Replaced));
    }

    /// <summary>Every record read is loaded or rejected; anything else stops the load before it commits.</summary>
    public static void EnsureBalanced(SourceFile file, long read, long loaded, long rejected)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (loaded + rejected != read)
        {
            throw new WarehouseException($"{file.Path}: {read} records read but {loaded} loaded and {rejected} rejected; nothing was changed.");
        }
    }
}
