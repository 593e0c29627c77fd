using System.Globalization;
using System.Net;
using System.Reflection;

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
    internal static readonly string[] ScriptParts = ["report-format.js", "report-traffic.js", "report-efficiency.js", "report-trust.js", "report-lifecycle.js", "report-accounts.js", "report-attribution.js", "report.js"];

    public static string Render(ReportData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Asset("report.html")
            .Replace("/*{{CSS}}*/", Asset("report.css"), StringComparison.Ordinal)
            .Replace("/*{{SCRIPT}}*/", Script(), StringComparison.Ordinal)
            .Replace("{{GENERATED}}", WebUtility.HtmlEncode(data.GeneratedAtUtc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)), StringComparison.Ordinal)
            .Replace("{{DATA}}", Json(data), StringComparison.Ordinal);
    }

    /// <summary>The embedded data as JSON (<see cref="ReportJson"/>: safe inside the page's <c>script</c> element).</summary>
    internal static string Json(ReportData data) => ReportJson.Serialize(data);

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
