using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace GtmMart.Reporting;

/// <summary>
/// The report data as the page's script reads it (<c>report.js</c>: <c>data.datasets[name].columns/rows</c>,
/// <c>data.models</c>, ...), serialized by System.Text.Json's source-generated serializer. Property names are the
/// records' in snake case; datasets and unavailable reasons are ordered by name; a model's headline and row counts
/// are [key, value] pairs in the card's order.
/// </summary>
internal static class ReportJson
{
    /// <summary>
    /// Any text unescaped except what HTML or JavaScript could read as markup: <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>,
    /// quotes and the like become <c>\u</c> escapes, so no value can close the <c>script</c> element the JSON sits in.
    /// </summary>
    private static readonly ReportJsonContext Context = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    });

    public static string Serialize(ReportData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return JsonSerializer.Serialize(Page(data), Context.PageJson);
    }

    private static PageJson Page(ReportData data) => new(
        Iso(data.GeneratedAtUtc),
        data.ScoresAvailable,
        new SortedDictionary<string, DatasetJson>(data.Datasets.ToDictionary(d => d.Key, d => new DatasetJson(d.Value.Columns, d.Value.Rows)), StringComparer.Ordinal),
        new SortedDictionary<string, string>(data.Unavailable.ToDictionary(), StringComparer.Ordinal),
        [.. data.Models.Select(Model)],
        data.ModelsNote);

    private static ModelJson Model(ModelSummary m) => new(
        m.Model,
        m.Version,
        m.Algorithm,
        Iso(m.CreatedAtUtc.ToUniversalTime()),
        m.SourceBuildId,
        [.. m.Headline.Select(kv => new[] { kv.Key, kv.Value })],
        [.. m.RowCounts.Select(kv => new[] { kv.Key, kv.Value })],
        m.Kind,
        m.Trust,
        m.TrustReason,
        m.Tiers,
        m.Warnings,
        m.CrossValidationAuc is { } cv ? new AucJson(cv.Mean, cv.Lower, cv.Upper) : null);

    private static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>The whole embedded object.</summary>
internal sealed record PageJson(
    string GeneratedAt,
    bool ScoresAvailable,
    SortedDictionary<string, DatasetJson> Datasets,
    SortedDictionary<string, string> Unavailable,
    IReadOnlyList<ModelJson> Models,
    string? ModelsNote);

/// <summary>One query result: column names and rows of plain values (string, number, boolean or null).</summary>
internal sealed record DatasetJson(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows);

/// <summary>An active model's card as the page shows it.</summary>
internal sealed record ModelJson(
    string Model,
    string Version,
    string Algorithm,
    string CreatedAt,
    long? SourceBuildId,
    IReadOnlyList<string[]> Headline,
    IReadOnlyList<string[]> RowCounts,
    string Kind,
    string? Trust,
    string? TrustReason,
    IReadOnlyList<string> Tiers,
    IReadOnlyList<string> Warnings,
    AucJson? CvAuc);

/// <summary>A card's cross-validation AUC: its mean and 95% interval (null for baselines).</summary>
internal sealed record AucJson(double Mean, double Lower, double Upper);

/// <summary>
/// The source-generated serializer of the page data, with the value types a dataset row holds (see
/// <c>ReportDataReader</c>: string, bool, decimal, double, long, int).
/// </summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(PageJson))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(int))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
