using GtmMart.Warehouse.Loading;

namespace GtmMart.Warehouse.Snowflake;

/// <summary>
/// The statements of a Snowflake raw load for one source: a transient load table COPY fills, the records COPY
/// rejected (from <c>VALIDATE</c>: file, line, column and error), the row rules, and the swap into <c>raw.&lt;source&gt;</c>.
/// </summary>
internal static class SnowflakeLoadSql
{
    public static string LoadTable(RawSource source) => $"raw._gtm_load_{source.Name}";

    public static string RejectsTable(RawSource source) => $"raw._gtm_rejects_{source.Name}";

    public static string CheckedTable(RawSource source) => $"raw._gtm_checked_{source.Name}";

    public static string RawTable(RawSource source) => $"raw.{source.TableName}";

    /// <summary>Typed columns plus <c>_line</c> (the file row number COPY writes through INCLUDE_METADATA).</summary>
    public static string CreateLoadTable(RawSource source) =>
        $"create or replace transient table {LoadTable(source)} ({Columns(source)}, _line bigint)";

    /// <summary>The published raw table (created once; each load replaces its rows in the load transaction).</summary>
    public static string CreateRawTable(RawSource source) =>
        $"create table if not exists {RawTable(source)} ({Columns(source)}, _file varchar, _line bigint)";

    /// <summary>
    /// Every record the last COPY in this session rejected, one per record (the first error on it). Lines count the
    /// header as line 1, as on DuckDB. A conversion error gets the same reason text as on DuckDB ("bad date in date").
    /// </summary>
    public static string CaptureRejects(RawSource source)
    {
        const string column = "lower(regexp_substr(column_name, '[[]\"([^\"]+)\"', 1, 1, 'e', 1))";
        var reason = "case " + string.Join(" ", source.Columns.Select(c => $"when {column} = {RawRules.Literal(c.Name)} then {RawRules.Literal(c.CastFailureReason)}")) + " else 'unreadable value' end";
        return
            $"""
            create or replace transient table {RejectsTable(source)} as
            select cast(row_start_line as bigint) as _line,
                   coalesce({column}, '') as _reject_column,
                   case when lower(category) = 'conversion' then {reason}
                        else 'malformed row: ' || lower(category) || ' (' || error || ')' end as _reject_reason,
                   rejected_record as _reject_value
            from table(validate({LoadTable(source)}, job_id => '_last'))
            qualify row_number() over (partition by row_start_line order by character) = 1
            """;
    }

    /// <summary>The row rules over the loaded and rejected records (see <see cref="RawRules"/>).</summary>
    public static string CreateCheckedTable(RawSource source, IReadOnlyList<string>? stages = null)
    {
        // METADATA$FILE_ROW_NUMBER counts data rows from 1; the header is line 1, so data row n is line n + 1.
        return $"create or replace transient table {CheckedTable(source)} as " +
               RawRules.CheckedSelect(source, source.Columns, $"select {QuotedColumns(source)}, _line + 1 as _line from {LoadTable(source)}", RejectsTable(source), Q, stages);
    }

    public static string ReplaceRaw(RawSource source) =>
        $"insert overwrite into {RawTable(source)} select {QuotedColumns(source)}, $file, _line from {CheckedTable(source)} where _reject_reason is null order by _line";

    public static string EmptyRaw(RawSource source) => $"delete from {RawTable(source)}";

    public static string InsertRejects(RawSource source) =>
        $"insert into raw.load_rejects select $load_id, $source, $file, _line, _reject_column, _reject_reason, _reject_value from {CheckedTable(source)} where _reject_reason is not null order by _line";

    public static string CountLoaded(RawSource source) => $"select count(*) from {CheckedTable(source)} where _reject_reason is null";

    public static string CountRejected(RawSource source) => $"select count(*) from {CheckedTable(source)} where _reject_reason is not null";

    public static IEnumerable<string> DropWorkTables(RawSource source) =>
        new[] { LoadTable(source), RejectsTable(source), CheckedTable(source) }.Select(t => $"drop table if exists {t}");

    /// <summary>Snowflake stores unquoted names upper-case, which is how the models under sql/ refer to raw columns.</summary>
    private static string Q(string column) => RawRules.Q(column.ToUpperInvariant());

    private static string Columns(RawSource source) => string.Join(", ", source.Columns.Select(c => $"{Q(c.Name)} {c.SqlType}"));

    private static string QuotedColumns(RawSource source) => string.Join(", ", source.Columns.Select(c => Q(c.Name)));
}
