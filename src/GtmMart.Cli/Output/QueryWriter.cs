using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace GtmMart.Cli.Output;

public enum QueryFormat
{
    Table,
    Csv,
    Json,
}

/// <summary>
/// Writes a query result as a terminal table, RFC 4180 CSV or a JSON array of objects, every value in a form other
/// tools read without surprises (<see cref="QueryValues"/>): lists and structs as JSON, timestamps as ISO 8601 with
/// fraction and offset, intervals as ISO 8601 durations, doubles round-trip, NaN and infinities as null, booleans
/// lower-case. In CSV a NULL is an empty field and an empty string is <c>""</c>; in JSON integers beyond 2^53 are strings.
/// </summary>
public static class QueryWriter
{
    public static long Write(DbDataReader reader, QueryFormat format, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(output);
        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        return format switch
        {
            QueryFormat.Csv => WriteCsv(reader, names, output),
            QueryFormat.Json => WriteJson(reader, names, output),
            _ => WriteTable(reader, names),
        };
    }

    private static long WriteTable(DbDataReader reader, string[] names)
    {
        var table = new Table().AddColumns(names.Select(Markup.Escape).ToArray());
        long rows = 0;
        while (reader.Read())
        {
            rows++;
            table.AddRow(Enumerable.Range(0, names.Length).Select(i => Markup.Escape(QueryValues.Text(Value(reader, i)) ?? "NULL")).ToArray());
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[grey]{rows} row(s)[/]");
        return rows;
    }

    /// <summary>RFC 4180 CSV: a NULL is an empty field, an empty string a quoted empty field (<c>""</c>).</summary>
    private static long WriteCsv(DbDataReader reader, string[] names, TextWriter output)
    {
        output.WriteLine(string.Join(",", names.Select(n => Csv(n))));
        long rows = 0;
        while (reader.Read())
        {
            rows++;
            output.WriteLine(string.Join(",", Enumerable.Range(0, names.Length).Select(i => Csv(QueryValues.Text(Value(reader, i))))));
        }

        return rows;
    }

    private static long WriteJson(DbDataReader reader, string[] names, TextWriter output)
    {
        using var stream = new MemoryStream();
        long rows = 0;
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = QueryValues.Encoder }))
        {
            json.WriteStartArray();
            while (reader.Read())
            {
                rows++;
                json.WriteStartObject();
                for (var i = 0; i < names.Length; i++)
                {
                    json.WritePropertyName(names[i]);
                    QueryValues.WriteJson(json, Value(reader, i));
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        return rows;
    }

    /// <summary>
    /// The value of a column, null for NULL. A DuckDB INTERVAL is read as DuckDB's own (months, days, microseconds):
    /// as a TimeSpan, which the provider gives by default, one with months cannot be read at all.
    /// </summary>
    private static object? Value(DbDataReader reader, int i) =>
        reader.IsDBNull(i) ? null
        : reader.GetFieldType(i) == typeof(TimeSpan) && reader is DuckDB.NET.Data.DuckDBDataReader ? reader.GetFieldValue<DuckDB.NET.Native.DuckDBInterval>(i)
        : reader.GetValue(i);

    private static string Csv(string? value) =>
        value is null ? ""
        : value.Length == 0 || value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : value;
}
