using System.Data.Common;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Loading;

/// <summary>The load bookkeeping tables that live beside the raw tables.</summary>
public static class LoadMetadata
{
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
        connection.Execute(
            """
            create table if not exists raw.load_rejects (
                load_id bigint not null, source varchar not null, file varchar not null, line bigint not null,
                column_name varchar, reason varchar not null, raw_value varchar)
            """);
    }

    public static long NextLoadId(DbConnection connection) =>
        (connection.Scalar<long?>("select max(load_id) from raw.load_log") ?? 0) + 1;

    /// <summary>Records what one source contributed to load <paramref name="loadId"/>.</summary>
    public static void Log(DbConnection connection, long loadId, SourceLoadResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        connection.Execute(
            "insert into raw.load_log values ($load_id, $source, $file, $read, $loaded, $rejected, current_timestamp)",
            ("load_id", loadId), ("source", result.Source), ("file", result.File), ("read", result.Read), ("loaded", result.Loaded), ("rejected", result.Rejected));
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
