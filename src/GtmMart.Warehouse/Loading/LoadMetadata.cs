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
}
