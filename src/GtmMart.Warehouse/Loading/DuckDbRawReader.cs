using System.Data.Common;
using System.Globalization;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Loading;

/// <summary>
/// Reads one raw file into connection-local temp tables with DuckDB's own readers and explicit types, then
/// applies the source's row rules. Nothing here touches the persistent warehouse.
/// <para>
/// Line numbers are DuckDB's record numbers: the header is line 1 and each record counts one line, which is the
/// physical line unless a quoted value spans several lines. For Parquet the "line" is the 1-based row number.
/// </para>
/// </summary>
internal sealed class DuckDbRawReader(DbConnection connection)
{
    public const string ReadTable = "_gtm_read";
    public const string ReaderRejectsTable = "_gtm_reader_rejects";
    public const string CheckedTable = "_gtm_checked";

    public static string Checked(RawSource source) => $"{CheckedTable}_{source.Name}";

    public static IReadOnlyList<string> ReadParquetHeader(DbConnection connection, string path)
    {
        try
        {
            return connection.Query(
                "select column_name from (describe select * from read_parquet($path))",
                r => r.GetString(0),
                ("path", path));
        }
        catch (DbException ex)
        {
            throw new WarehouseException($"{path}: cannot read the Parquet file ({FirstLine(ex.Message)}).", ex);
        }
    }

    /// <summary>Reads the file into the checked temp table; returns the number of records read.</summary>
    public long Read(SourceFile file)
    {
        var read = $"{ReadTable}_{file.Source.Name}";
        var rejects = $"{ReaderRejectsTable}_{file.Source.Name}";
        try
        {
            connection.Execute($"drop table if exists {read}");
            connection.Execute($"drop table if exists {rejects}");
            if (file.Format == SourceFormat.Csv)
            {
                ReadCsv(file, read, rejects);
            }
            else
            {
                ReadParquet(file, read, rejects);
            }

            ApplyRules(file, read, rejects);
        }
        catch (DbException ex)
        {
            throw new WarehouseException($"{file.Path}: cannot read the file ({FirstLine(ex.Message)}).", ex);
        }

        return connection.Scalar<long>($"select count(*) from {Checked(file.Source)}");
    }

    private void ReadCsv(SourceFile file, string read, string rejects)
    {
        // Every header column gets an explicit type: known columns their own, unknown ones VARCHAR under a
        // generated name (then ignored), so no text from the file ever becomes part of the statement.
        var columns = string.Join(", ", file.HeaderColumns.Select((h, i) => file.Source.FindColumn(h) is { } c
            ? $"{Literal(c.Name)}: {Literal(c.SqlType)}"
            : $"'_extra_{i}': 'VARCHAR'"));
        var scan = $"{read}_scan";
        connection.Execute($"drop table if exists {scan}");
        connection.Execute($"drop table if exists {read}_errors");
        connection.Execute(
            $"create temp table {read} as select * from read_csv($path, header = true, delim = ',', quote = '\"', " +
            $"escape = '\"', dateformat = '%Y-%m-%d', encoding = 'utf-8', columns = {{{columns}}}, " +
            $"store_rejects = true, rejects_table = '{read}_errors', rejects_scan = '{scan}', rejects_limit = 0)",
            ("path", file.Path));

        // One reject per record: the reader reports the first problem it found on it.
        var castReason = CaseOnColumn(file.Source, c => c.CastFailureReason, "column_name", "'unreadable value'");
        connection.Execute(
            $"""
            create temp table {rejects} as
            select cast(line as bigint) as _line,
                   coalesce(column_name, '') as _reject_column,
                   case when error_type = 'CAST' then {castReason}
                        else 'malformed row: ' || lower(error_type) || ' (' || error_message || ')' end as _reject_reason,
                   case when error_type = 'CAST' then regexp_extract(error_message, 'Could not convert string "(.*)" to', 1)
                        else trim(csv_line, chr(13) || chr(10)) end as _reject_value
            from {read}_errors
            qualify row_number() over (partition by line order by column_idx) = 1
            """);
    }

    private void ReadParquet(SourceFile file, string read, string rejects)
    {
        // Parquet columns arrive with the writer's types; convert each to the source's type and reject what will not.
        var present = file.Source.Columns.Where(c => file.HeaderColumns.Contains(c.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        var raw = string.Join(", ", present.Select(c => $"cast({Q(c.Name)} as varchar) as {Q("_raw_" + c.Name)}"));
        var typed = string.Join(", ", present.Select(c => $"try_cast({Q(c.Name)} as {c.SqlType}) as {Q(c.Name)}"));
        connection.Execute(
            $"create temp table {read}_all as select cast(file_row_number + 1 as bigint) as _line, {typed}, {raw} from read_parquet($path, file_row_number = true)",
            ("path", file.Path));
        var failed = string.Join(" or ", present.Select(CastFailed).DefaultIfEmpty("false"));
        var column = string.Join(" ", present.Select(c => $"when {CastFailed(c)} then {Literal(c.Name)}"));
        var reason = string.Join(" ", present.Select(c => $"when {CastFailed(c)} then {Literal(c.CastFailureReason)}"));
        var value = string.Join(" ", present.Select(c => $"when {CastFailed(c)} then {Q("_raw_" + c.Name)}"));
        connection.Execute(
            $"create temp table {rejects} as select _line, case {column} end as _reject_column, case {reason} end as _reject_reason, " +
            $"case {value} end as _reject_value from {read}_all where {failed}");
        connection.Execute(
            $"create temp table {read} as select {string.Join(", ", present.Select(c => Q(c.Name)))}, _line from {read}_all where not ({failed}) order by _line");
        connection.Execute($"drop table {read}_all");

        static string CastFailed(RawColumn c) => $"({Q("_raw_" + c.Name)} is not null and {Q(c.Name)} is null)";
    }

    /// <summary>
    /// Builds the checked table: every record of the file exactly once, typed, with its line number and, for a
    /// rejected record, the column, reason and offending value. Rules run in order; the first failure is recorded.
    /// </summary>
    private void ApplyRules(SourceFile file, string read, string rejects)
    {
        var source = file.Source;
        var present = source.Columns.Where(c => file.HeaderColumns.Contains(c.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        var select = string.Join(", ", source.Columns.Select(c => present.Contains(c)
            ? $"cast({Q(c.Name)} as {c.SqlType}) as {Q(c.Name)}"
            : $"cast(null as {c.SqlType}) as {Q(c.Name)}"));

        // CSV rows carry no line number: the k-th accepted record (in file order) sits on the k-th line, counting
        // from 2, that the reader did not reject. A rejected line at position p among the accepted-only numbering
        // shifts every accepted record at or after p down by one.
        var lineExpr = "_line";
        if (file.Format == SourceFormat.Csv)
        {
            connection.Execute($"drop table if exists {rejects}_pos");
            connection.Execute($"create temp table {rejects}_pos as select _line - row_number() over (order by _line) + 1 as pos from {rejects}");
            lineExpr = connection.Scalar<long>($"select count(*) from {rejects}_pos") == 0
                ? "2 + rowid"
                : $"2 + rowid + (select count(*) from {rejects}_pos r where r.pos <= 2 + {read}.rowid)";
        }
        connection.Execute($"drop table if exists {Checked(source)}");
        connection.Execute($"create temp table {Checked(source)} as {RawRules.CheckedSelect(source, present, $"select {select}, cast({lineExpr} as bigint) as _line from {read}", rejects, Q)}");
        connection.Execute($"drop table if exists {read}");
        connection.Execute($"drop table if exists {rejects}");
        connection.Execute($"drop table if exists {rejects}_pos");
    }

    private static string CaseOnColumn(RawSource source, Func<RawColumn, string> text, string columnExpr, string otherwise) =>
        "case " + string.Join(" ", source.Columns.Select(c => $"when lower({columnExpr}) = {Literal(c.Name)} then {Literal(text(c))}")) +
        $" else {otherwise} end";

    internal static string Q(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    internal static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    internal static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
