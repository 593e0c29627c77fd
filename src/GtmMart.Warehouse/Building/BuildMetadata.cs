using System.Data.Common;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Building;

/// <summary>The <c>gtm_meta.builds</c> ledger: one row per build attempt, the published one marked.</summary>
public static class BuildMetadata
{
    public const string Schema = "gtm_meta";

    public static void Ensure(DbConnection connection)
    {
        connection.Execute($"create schema if not exists {Schema}");
        connection.Execute(
            $"""
            create table if not exists {Schema}.builds (
                build_id bigint not null primary key,
                status varchar not null,
                started_at timestamp not null,
                finished_at timestamp,
                published_at timestamp,
                models integer,
                tests_passed integer,
                tests_failed integer,
                message varchar)
            """);
        connection.Execute($"alter table {Schema}.builds add if not exists catalog_hash varchar");
        connection.Execute($"create table if not exists {Schema}.build_tables (build_id bigint not null, model varchar not null, relation varchar not null)");
    }

    /// <summary>The build whose tables the published views point at, or null before the first publish.</summary>
    public static long? PublishedBuild(DbConnection connection)
    {
        var exists = connection.Scalar<long>(
            "select count(*) from information_schema.tables where lower(table_schema) = $schema and lower(table_name) = 'builds'",
            ("schema", Schema));
        return exists == 0
            ? null
            : connection.Scalar<long?>($"select max(build_id) from {Schema}.builds where status = 'published'");
    }

    public static DateTime? PublishedAt(DbConnection connection) =>
        PublishedBuild(connection) is { } id
            ? connection.Scalar<DateTime?>($"select published_at from {Schema}.builds where build_id = $id", ("id", id))
            : null;
}
