using System.Data.Common;
using System.Globalization;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Tests.Export;

/// <summary>Warehouse tables built by the export tests themselves (independent of the real feature models).</summary>
internal static class ExportTables
{
    /// <summary>
    /// <c>mart.all_types</c>: every mapped column type with NULLs, inserted in scrambled order so the exporter's
    /// ordering by the first column (<c>id</c>) is observable. Values are exactly representable in double.
    /// </summary>
    public static void CreateAllTypes(DbConnection connection, int rows)
    {
        connection.Execute("create schema if not exists mart");
        connection.Execute(string.Create(CultureInfo.InvariantCulture,
            $"""
            create or replace table mart.all_types as
            select
                'id-' || lpad(i::varchar, 7, '0') as id,
                i::bigint * 1000003 as big,
                case when i % 19 = 0 then null else (i % 1000)::integer end as int_col,
                case when i % 7 = 0 then null else i / 4.0 - 1000 end::double as dbl,
                (i % 100)::float as flt,
                case when i % 23 = 0 then null else (i * 1.25)::decimal(18, 2) end as dec,
                case when i % 5 = 0 then null else i % 2 = 0 end as flag,
                case when i % 11 = 0 then null else date '2020-01-01' + (i % 2000)::integer end as day,
                case when i % 13 = 0 then null
                     else timestamp '2021-03-04 05:06:07.123456' + to_microseconds(i::bigint * 1000003) end as ts,
                case when i % 3 = 0 then null when i % 3 = 1 then 'émoji ✓ ' || i::varchar else '' end as label,
                case when i % 17 = 0 then null else (i % 50)::smallint end as small,
                (i::hugeint * 3) as huge
            from range({rows}) as t(i)
            order by hash(i)
            """));
    }

    /// <summary>The columns of <c>mart.all_types</c> with their expected Parquet (manifest) and DuckDB read-back types.</summary>
    public static readonly (string Name, string Parquet, string DuckDb)[] AllTypesColumns =
    [
        ("id", "string", "VARCHAR"),
        ("big", "int64", "BIGINT"),
        ("int_col", "int32", "INTEGER"),
        ("dbl", "double", "DOUBLE"),
        ("flt", "double", "DOUBLE"),
        ("dec", "double", "DOUBLE"),
        ("flag", "bool", "BOOLEAN"),
        ("day", "date", "DATE"),
        ("ts", "timestamp", "TIMESTAMP"),
        ("label", "string", "VARCHAR"),
        ("small", "int32", "INTEGER"),
        ("huge", "int64", "BIGINT"),
    ];

    /// <summary>The source table cast to the exported types, for EXCEPT comparisons with read_parquet.</summary>
    public const string AllTypesAsExported =
        "select * replace (flt::double as flt, dec::double as dec, small::integer as small, huge::bigint as huge) from mart.all_types";

    /// <summary>A 30-column table (10 strings, 12 doubles, 5 bigints, 1 boolean, 1 date, 1 timestamp) for throughput.</summary>
    public static void CreateWide(DbConnection connection, string table, int rows)
    {
        var columns = new List<string> { "'opp-' || lpad(i::varchar, 8, '0') as id" };
        for (var c = 1; c <= 9; c++)
        {
            columns.Add(string.Create(CultureInfo.InvariantCulture, $"case when i % {c + 10} = 0 then null else 'cat_{c}_' || (i % {c * 7})::varchar end as s{c}"));
        }

        for (var c = 1; c <= 12; c++)
        {
            columns.Add(string.Create(CultureInfo.InvariantCulture, $"case when i % {c + 20} = 0 then null else (i % {c * 997}) * 0.5 end::double as d{c}"));
        }

        for (var c = 1; c <= 5; c++)
        {
            columns.Add(string.Create(CultureInfo.InvariantCulture, $"(i % {c * 101})::bigint as n{c}"));
        }

        columns.Add("i % 3 = 0 as b1");
        columns.Add("date '2022-01-01' + (i % 900)::integer as day");
        columns.Add("timestamp '2022-01-01' + to_seconds(i) as ts");
        connection.Execute("create schema if not exists mart");
        connection.Execute(string.Create(CultureInfo.InvariantCulture,
            $"create or replace table {table} as select {string.Join(", ", columns)} from range({rows}) as t(i)"));
    }

    public static string Literal(string path) => "'" + path.Replace("'", "''", StringComparison.Ordinal) + "'";
}
