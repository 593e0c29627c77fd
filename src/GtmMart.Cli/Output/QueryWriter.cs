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

/// <summary>Writes a query result as a terminal table, RFC 4180 CSV or a JSON array of objects.</summary>
public static class QueryWriter
{
    public static long Write(DbDataReader reader, QueryFormat format, TextWriter output)
    {
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
            table.AddRow(Enumerable.Range(0, names.Length).Select(i => Markup.Escape(Text(reader, i) ?? "NULL")).ToArray());
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[grey]{rows} row(s)[/]");
        return rows;
    }

    private static long WriteCsv(DbDataReader reader, string[] names, TextWriter output)
    {
        output.WriteLine(string.Join(",", names.Select(Csv)));
        long rows = 0;
        while (reader.Read())
        {
            rows++;
            output.WriteLine(string.Join(",", Enumerable.Range(0, names.Length).Select(i => Csv(Text(reader, i) ?? ""))));
        }

        return rows;
    }

    private static long WriteJson(DbDataReader reader, string[] names, TextWriter output)
    {
        using var stream = new MemoryStream();
        long rows = 0;
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            while (reader.Read())
            {
                rows++;
                json.WriteStartObject();
                for (var i = 0; i < names.Length; i++)
                {
                    json.WritePropertyName(names[i]);
                    WriteJsonValue(json, reader.IsDBNull(i) ? null : reader.GetValue(i));
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        return rows;
    }

    private static void WriteJsonValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case bool b: json.WriteBooleanValue(b); break;
            case byte or short or int or long or sbyte or ushort or uint or ulong:
                json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case decimal d: json.WriteNumberValue(d); break;
            case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): json.WriteNumberValue(f); break;
            case System.Numerics.BigInteger big: json.WriteRawValue(big.ToString(CultureInfo.InvariantCulture)); break;
            default: json.WriteStringValue(Format(value)); break;
        }
    }

    private static string? Text(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : Format(reader.GetValue(i));

    private static string Format(object value) => value switch
    {
        DateTime dt when dt.TimeOfDay == TimeSpan.Zero => dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime dt => dt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
