using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace GtmMart.Cli.Output;

/// <summary>
/// How <c>gtm sql</c> writes one value, the same in every format: as text for the table and CSV, as a JSON value for
/// JSON. Lists and structs (maps) are JSON; a DATE is <c>2025-03-01</c>; a TIMESTAMP is ISO 8601 with microseconds and
/// offset (<c>2025-03-01T14:05:09.250000+00:00</c>; a TIMESTAMP without time zone is taken as UTC, as the mart stores
/// it); a TIME is <c>14:05:09.250000</c>; an INTERVAL is an ISO 8601 duration (<c>P1M3DT4H0.5S</c>); a double or float
/// is written so it reads back as the same number (round-trip, with a <c>.0</c> when integral, so it stays a double);
/// NaN and infinities are null; booleans are <c>true</c> / <c>false</c>; blobs are base64. In JSON an integer beyond
/// ±2^53 (what a JavaScript number holds exactly) is a string.
/// </summary>
public static class QueryValues
{
    /// <summary>The largest integer every JSON reader holds exactly (JavaScript's Number.MAX_SAFE_INTEGER + 1).</summary>
    private const long SafeInteger = 1L << 53;

    /// <summary>JSON escaping for a terminal or a file (not HTML): "+" and non-ASCII letters as themselves.</summary>
    public static readonly System.Text.Encodings.Web.JavaScriptEncoder Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>The value as text (null for NULL, NaN and infinities).</summary>
    public static string? Text(object? value) => value switch
    {
        null or DBNull => null,
        double d => DoubleText(d),
        float f => SingleText(f),
        bool b => b ? "true" : "false",
        string s => s,
        IDictionary or IList => Json(value),
        _ when Scalar(value) is { } text => text,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Writes the value as a JSON value.</summary>
    public static void WriteJson(Utf8JsonWriter json, object? value)
    {
        ArgumentNullException.ThrowIfNull(json);
        switch (value)
        {
            case null or DBNull:
                json.WriteNullValue();
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case string s:
                json.WriteStringValue(s);
                break;
            case double d:
                WriteNumberOrNull(json, DoubleText(d));
                break;
            case float f:
                WriteNumberOrNull(json, SingleText(f));
                break;
            case decimal d:
                json.WriteRawValue(d.ToString(CultureInfo.InvariantCulture));
                break;
            case sbyte or byte or short or ushort or int or uint or long or ulong or Int128 or UInt128 or BigInteger:
                var integer = Integer(value);
                if (BigInteger.Abs(integer) <= SafeInteger)
                {
                    json.WriteRawValue(integer.ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    json.WriteStringValue(integer.ToString(CultureInfo.InvariantCulture));
                }

                break;
            case IDictionary map:
                json.WriteStartObject();
                foreach (DictionaryEntry entry in map)
                {
                    json.WritePropertyName(Text(entry.Key) ?? "null");
                    WriteJson(json, entry.Value);
                }

                json.WriteEndObject();
                break;
            case IList list:
                json.WriteStartArray();
                foreach (var item in list)
                {
                    WriteJson(json, item);
                }

                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(Text(value));
                break;
        }
    }

    /// <summary>A double so that it reads back exactly and still reads as a double ("3.0", not "3"); null when not finite.</summary>
    public static string? DoubleText(double d) =>
        double.IsFinite(d) ? AsDouble(d.ToString("R", CultureInfo.InvariantCulture)) : null;

    private static string? SingleText(float f) =>
        float.IsFinite(f) ? AsDouble(f.ToString("R", CultureInfo.InvariantCulture)) : null;

    private static string AsDouble(string text) =>
        text.AsSpan().IndexOfAny('.', 'E', 'e') >= 0 ? text : text + ".0";

    private static void WriteNumberOrNull(Utf8JsonWriter json, string? number)
    {
        if (number is null)
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteRawValue(number);
        }
    }

    private static BigInteger Integer(object value) => value switch
    {
        BigInteger b => b,
        Int128 i => (BigInteger)i,
        UInt128 u => (BigInteger)u,
        ulong u => u,
        _ => Convert.ToInt64(value, CultureInfo.InvariantCulture),
    };

    /// <summary>Dates, times, intervals, numbers and other scalars as text; null when the value is not one of them.</summary>
    private static string? Scalar(object value) => value switch
    {
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => Timestamp(new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc))),
        DateTimeOffset t => Timestamp(t),
        TimeOnly t => t.ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        TimeSpan span => Duration(0, span.Days, span.Ticks - (span.Days * TimeSpan.TicksPerDay)),
        byte[] bytes => Convert.ToBase64String(bytes),
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        sbyte or byte or short or ushort or int or uint or long or ulong or Int128 or UInt128 or BigInteger => Integer(value).ToString(CultureInfo.InvariantCulture),
        Guid g => g.ToString("D"),
        DuckDB.NET.Native.DuckDBInterval interval => Duration(interval.Months, interval.Days, (long)interval.Micros * 10),
        _ => null,
    };

    private static string Timestamp(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture);

    /// <summary>
    /// An ISO 8601 duration of months, days and a time part in ticks: <c>P1Y2M3DT4H5M6.5S</c>, <c>PT0S</c> for zero,
    /// each part with its own sign when the parts differ in sign (as PostgreSQL's ISO 8601 interval style does).
    /// </summary>
    public static string Duration(long months, long days, long ticks)
    {
        if (months == 0 && days == 0 && ticks == 0)
        {
            return "PT0S";
        }

        var text = new StringBuilder("P");
        if (months / 12 != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{months / 12}Y");
        }

        if (months % 12 != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{months % 12}M");
        }

        if (days != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{days}D");
        }

        if (ticks != 0)
        {
            text.Append('T');
            var hours = ticks / TimeSpan.TicksPerHour;
            var minutes = ticks % TimeSpan.TicksPerHour / TimeSpan.TicksPerMinute;
            var rest = ticks % TimeSpan.TicksPerMinute;
            if (hours != 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"{hours}H");
            }

            if (minutes != 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"{minutes}M");
            }

            if (rest != 0)
            {
                var seconds = ((decimal)rest / TimeSpan.TicksPerSecond).ToString("0.#######", CultureInfo.InvariantCulture);
                text.Append(CultureInfo.InvariantCulture, $"{seconds}S");
            }
        }

        return text.ToString();
    }

    private static string Json(object value)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = Encoder }))
        {
            WriteJson(json, value);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
