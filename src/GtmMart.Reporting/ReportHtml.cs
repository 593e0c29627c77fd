using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace GtmMart.Reporting;

/// <summary>
/// Renders the page: the HTML template with its stylesheet and script inlined and the report data embedded as JSON.
/// The script only selects the rows of the chosen month and channel and formats them; it fetches nothing (the page's
/// Content-Security-Policy forbids any network request) and computes no figure.
/// </summary>
public static class ReportHtml
{
    public const string DataElementId = "gtm-data";

    /// <summary>The script's parts, joined in this order inside one strict-mode function: later parts use earlier ones.</summary>
    internal static readonly string[] ScriptParts = ["report-format.js", "report-traffic.js", "report-efficiency.js", "report-trust.js", "report-lifecycle.js", "report-accounts.js", "report.js"];

    public static string Render(ReportData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Asset("report.html")
            .Replace("/*{{CSS}}*/", Asset("report.css"), StringComparison.Ordinal)
            .Replace("/*{{SCRIPT}}*/", Script(), StringComparison.Ordinal)
            .Replace("{{GENERATED}}", WebUtility.HtmlEncode(data.GeneratedAtUtc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)), StringComparison.Ordinal)
            .Replace("{{DATA}}", Json(data), StringComparison.Ordinal);
    }

    /// <summary>
    /// The embedded data as JSON. Written with relaxed escaping (quotes inside values as <c>\"</c>, not six-character
    /// escapes: the stored score reasons are JSON text themselves), then every <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c>
    /// becomes a <c>\u</c> escape. Those characters can only occur inside JSON strings, so the result is the same JSON,
    /// and no value can close the <c>script</c> element it sits in.
    /// </summary>
    internal static string Json(ReportData data)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("generated_at", data.GeneratedAtUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteBoolean("scores_available", data.ScoresAvailable);
            json.WriteStartObject("datasets");
            foreach (var (name, dataset) in data.Datasets.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                json.WriteStartObject(name);
                json.WriteStartArray("columns");
                foreach (var column in dataset.Columns)
                {
                    json.WriteStringValue(column);
                }

                json.WriteEndArray();
                json.WriteStartArray("rows");
                foreach (var row in dataset.Rows)
                {
                    json.WriteStartArray();
                    foreach (var value in row)
                    {
                        WriteValue(json, value);
                    }

                    json.WriteEndArray();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteStartObject("unavailable");
            foreach (var (name, reason) in data.Unavailable.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                json.WriteString(name, reason);
            }

            json.WriteEndObject();
            json.WriteStartArray("models");
            foreach (var model in data.Models)
            {
                json.WriteStartObject();
                json.WriteString("model", model.Model);
                json.WriteString("version", model.Version);
                json.WriteString("algorithm", model.Algorithm);
                json.WriteString("created_at", model.CreatedAtUtc.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                if (model.SourceBuildId is { } build)
                {
                    json.WriteNumber("source_build_id", build);
                }
                else
                {
                    json.WriteNull("source_build_id");
                }

                WriteStrings(json, "headline", model.Headline);
                WriteStrings(json, "row_counts", model.RowCounts);
                json.WriteString("kind", model.Kind);
                json.WriteString("trust", model.Trust);
                json.WriteString("trust_reason", model.TrustReason);
                if (model.CrossValidationAuc is { } cv)
                {
                    json.WriteStartObject("cv_auc");
                    json.WriteNumber("mean", cv.Mean);
                    json.WriteNumber("lower", cv.Lower);
                    json.WriteNumber("upper", cv.Upper);
                    json.WriteEndObject();
                }
                else
                {
                    json.WriteNull("cv_auc");
                }

                json.WriteStartArray("tiers");
                foreach (var tier in model.Tiers)
                {
                    json.WriteStringValue(tier);
                }

                json.WriteEndArray();
                json.WriteStartArray("warnings");
                foreach (var warning in model.Warnings)
                {
                    json.WriteStringValue(warning);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (data.ModelsNote is { } note)
            {
                json.WriteString("models_note", note);
            }
            else
            {
                json.WriteNull("models_note");
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray())
            .Replace("<", "\\u003C", StringComparison.Ordinal)
            .Replace(">", "\\u003E", StringComparison.Ordinal)
            .Replace("&", "\\u0026", StringComparison.Ordinal);
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, string> values)
    {
        // Pairs keep the card's order (a JSON object would too, but arrays say so).
        json.WriteStartArray(name);
        foreach (var (key, value) in values)
        {
            json.WriteStartArray();
            json.WriteStringValue(key);
            json.WriteStringValue(value);
            json.WriteEndArray();
        }

        json.WriteEndArray();
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case bool b: json.WriteBooleanValue(b); break;
            case string s: json.WriteStringValue(s); break;
            case decimal d: json.WriteNumberValue(d); break;
            case double d: json.WriteNumberValue(d); break;
            case long l: json.WriteNumberValue(l); break;
            case int i: json.WriteNumberValue(i); break;
            default: throw new InvalidOperationException($"unexpected report value type {value.GetType().Name}");
        }
    }

    private static string Script() =>
        "(function () {\n'use strict';\n\n" + string.Join("\n", ScriptParts.Select(Asset)) + "})();\n";

    private static string Asset(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"GtmMart.Reporting.{name}")
            ?? throw new InvalidOperationException($"embedded report asset {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
