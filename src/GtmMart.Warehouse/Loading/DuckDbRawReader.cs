using System.Data.Common;
using System.Globalization;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Loading;

/// <summary>
/// Reads one raw file into connection-local temp tables with DuckDB's own readers, converts each value to its
/// column's type as <see cref="LoadOptions"/> say it is written (<see cref="RawValueSql"/>), then applies the
/// source's row rules. Nothing here touches the persistent warehouse.
/// <para>
/// Line numbers are DuckDB's record numbers: the header is line 1 and each record counts one line, which is the
/// physical line unless a quoted value spans several lines. For Parquet the "line" is the 1-based row number.
/// </para>
/// </summary>
internal sealed class DuckDbRawReader(DbConnection connection, LoadOptions options)
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
            foreach (var view in new[] { read, $"{read}_text" })
            {
                connection.Execute($"drop view if exists {view}");
            }

            foreach (var table in new[] { $"{read}_raw", $"{read}_all", rejects, $"{read}_scan", $"{read}_errors", $"{rejects}_pos" })
            {
                connection.Execute($"drop table if exists {table}");
            }

            if (file.Format == SourceFormat.Csv)
            {
                ReadCsv(file, read, rejects);
            }
            else
            {
                ReadParquet(file, read, rejects);
            }

            Convert(file, read, rejects);
            ApplyRules(file, read, rejects);
        }
        catch (DbException ex)
        {
            if (file.Format == SourceFormat.Csv && RawText.FindLongRecord(file.ReadPath, LoadOptions.MaxRecordBytes) is { } record)
            {
                throw new WarehouseException(
                    $"{file.Path}:{record.Line}: a record of {record.Bytes / (1 << 20):N0} MiB is longer than the {LoadOptions.MaxRecordBytes >> 20} MiB the reader takes; nothing was changed (is a quote left open on that line?).",
                    ex);
            }

            throw new WarehouseException($"{file.Path}: cannot read the file ({FirstLine(ex.Message)}).", ex);
        }

        return connection.Scalar<long>($"select count(*) from {Checked(file.Source)}");
    }

    /// <summary>
    /// CSV into <c>read_text</c> (a view over the file's rows in <c>read_raw</c>): every known column as text
    /// (converted later, so the load's formats apply) with its line, and the records the reader could not split into
    /// fields in <c>rejects</c>. Views, not copies, between the steps: at 100M sessions every copy is gigabytes.
    /// </summary>
    private void ReadCsv(SourceFile file, string read, string rejects)
    {
        // Every header column gets an explicit type: known columns VARCHAR under their own name, unknown ones
        // VARCHAR under a generated name (then ignored), so no text from the file ever becomes part of the statement.
        var columns = string.Join(", ", file.HeaderColumns.Select((h, i) => file.Source.FindColumn(h) is { } c
            ? $"{Literal(c.Name)}: 'VARCHAR'"
            : $"'_extra_{i}': 'VARCHAR'"));
        connection.Execute(
            $"create temp table {read}_raw as select * from read_csv($path, header = true, delim = {Literal(file.Delimiter.ToString())}, quote = '\"', " +
            $"escape = '\"', encoding = 'utf-8', max_line_size = {LoadOptions.MaxRecordBytes}, buffer_size = {LoadOptions.MaxRecordBytes}, columns = {{{columns}}}, " +
            $"store_rejects = true, rejects_table = '{read}_errors', rejects_scan = '{read}_scan', rejects_limit = 0)",
            ("path", file.ReadPath));

        // One reject per record: the reader reports the first problem it found on it.
        connection.Execute(
            $"""
            create temp table {rejects} as
            select cast(line as bigint) as _line,
                   coalesce(column_name, '') as _reject_column,
                   case when error_type = 'INVALID_ENCODING' or error_message like '%nvalid unicode%'
                        then 'malformed row: not UTF-8 text (if the file comes from Excel on Windows, load with --encoding windows-1252)'
                        else 'malformed row: ' || lower(error_type) || ' (' || error_message || ')' end as _reject_reason,
                   trim(csv_line, chr(13) || chr(10)) as _reject_value
            from {read}_errors
            qualify row_number() over (partition by line order by column_idx) = 1
            """);

        // CSV rows carry no line number: the k-th accepted record (in file order) sits on the k-th line, counting
        // from 2, that the reader did not reject. A rejected line at position p among the accepted-only numbering
        // shifts every accepted record at or after p down by one.
        connection.Execute($"create temp table {rejects}_pos as select _line - row_number() over (order by _line) + 1 as pos from {rejects}");
        var lineExpr = connection.Scalar<long>($"select count(*) from {rejects}_pos") == 0
            ? "2 + rowid"
            : $"2 + f.rowid + (select count(*) from {rejects}_pos r where r.pos <= 2 + f.rowid)";
        var present = Present(file);
        connection.Execute(
            $"create temp view {read}_text as select {string.Join(", ", present.Select(c => Q(c.Name)).Append($"cast({lineExpr} as bigint) as _line"))} from {read}_raw as f");
    }

    /// <summary>Parquet into <c>read_text</c>: columns arrive with the writer's types and are read as text like CSV values.</summary>
    private void ReadParquet(SourceFile file, string read, string rejects)
    {
        var present = Present(file);
        var text = string.Join(", ", present.Select(c => $"cast({Q(c.Name)} as varchar) as {Q(c.Name)}"));
        connection.Execute(
            $"create temp table {read}_raw as select {text}, cast(file_row_number + 1 as bigint) as _line from read_parquet($path, file_row_number = true)",
            ("path", file.ReadPath));
        connection.Execute($"create temp view {read}_text as select * from {read}_raw");
        connection.Execute($"create temp table {rejects} (_line bigint, _reject_column varchar, _reject_reason varchar, _reject_value varchar)");
    }

    /// <summary>Converts <c>read_text</c> into <c>read</c> (typed); a value that does not convert rejects its record with the column, reason and value.</summary>
    private void Convert(SourceFile file, string read, string rejects)
    {
        var present = Present(file);
        var typed = present.Where(c => c.Type != RawType.Text).ToList();
        var parsed = string.Join(", ", present.Select(c => $"{RawValueSql.Parse(c, Q(c.Name), options)} as {Q(c.Name)}"));
        var raw = string.Join("", typed.Select(c => $", {Q(c.Name)} as {Q("_raw_" + c.Name)}"));
        connection.Execute($"create temp table {read}_all as select _line, {parsed}{raw} from {read}_text");
        connection.Execute($"drop view {read}_text");
        connection.Execute($"drop table {read}_raw");
        connection.Execute($"drop table if exists {rejects}_pos");

        var failed = string.Join(" or ", typed.Select(CastFailed).DefaultIfEmpty("false"));
        if (typed.Count > 0)
        {
            var column = string.Join(" ", typed.Select(c => $"when {CastFailed(c)} then {Literal(c.Name)}"));
            var reason = string.Join(" ", typed.Select(c => $"when {CastFailed(c)} then {RawValueSql.Reason(c, Q("_raw_" + c.Name), options)}"));
            var value = string.Join(" ", typed.Select(c => $"when {CastFailed(c)} then {Q("_raw_" + c.Name)}"));
            connection.Execute(
                $"insert into {rejects} select _line, case {column} end, case {reason} end, case {value} end from {read}_all where {failed}");
        }

        connection.Execute(
            $"create temp view {read} as select {string.Join(", ", present.Select(c => Q(c.Name)))}, _line from {read}_all where not ({failed})");

        static string CastFailed(RawColumn c) => $"(nullif(trim({Q("_raw_" + c.Name)}), '') is not null and {Q(c.Name)} is null)";
    }

    /// <summary>
    /// Builds the checked table: every record of the file exactly once, typed, with its line number and, for a
    /// rejected record, the column, reason and offending value. Rules run in order; the first failure is recorded.
    /// </summary>
    private void ApplyRules(SourceFile file, string read, string rejects)
    {
        var source = file.Source;
        var present = Present(file);
        var select = string.Join(", ", source.Columns.Select(c => present.Contains(c)
            ? $"cast({Q(c.Name)} as {c.SqlType}) as {Q(c.Name)}"
            : $"cast(null as {c.SqlType}) as {Q(c.Name)}"));
        connection.Execute($"drop table if exists {Checked(source)}");
        connection.Execute($"create temp table {Checked(source)} as {RawRules.CheckedSelect(source, present, $"select {select}, _line from {read}", rejects, Q, options.Stages)}");
        connection.Execute($"drop view {read}");
        connection.Execute($"drop table {read}_all");
        connection.Execute($"drop table {rejects}");
    }

    private static List<RawColumn> Present(SourceFile file) =>
        file.Source.Columns.Where(c => file.HeaderColumns.Contains(c.Name, StringComparer.OrdinalIgnoreCase)).ToList();

    internal static string Q(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    internal static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    internal static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
