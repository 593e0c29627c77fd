using System.Text.RegularExpressions;

namespace GtmMart.Warehouse.Models;

/// <summary>
/// Points a model's references at a set of build schemas: <c>core.dim_dates</c> becomes
/// <c>core__b0007.dim_dates</c> while build 7 is being written and audited. Only names of known models are
/// rewritten; raw sources and anything else are left alone.
/// </summary>
public sealed partial class SqlRewriter
{
    private readonly HashSet<string> modelNames;
    private readonly Func<string, string>? schemaFor;

    private SqlRewriter(IEnumerable<Model> models, Func<string, string>? schemaFor)
    {
        modelNames = models.Select(m => m.QualifiedName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        this.schemaFor = schemaFor;
    }

    /// <summary>References the published objects as they are.</summary>
    public static SqlRewriter Published(IEnumerable<Model> models) => new(models, null);

    /// <summary>References the tables of one build.</summary>
    public static SqlRewriter ForBuild(IEnumerable<Model> models, long buildId) =>
        new(models, layer => BuildSchema(layer, buildId));

    public static string BuildSchema(string layer, long buildId) => $"{layer}__b{buildId:D4}";

    public string Rewrite(string sql) => schemaFor is null
        ? sql
        : ReferencePattern().Replace(sql, m =>
            modelNames.Contains($"{m.Groups[1].Value}.{m.Groups[2].Value}")
                ? $"{schemaFor(m.Groups[1].Value.ToLowerInvariant())}.{m.Groups[2].Value}"
                : m.Value);

    [GeneratedRegex(@"\b(seeds|staging|core|mart)\.([A-Za-z_][A-Za-z0-9_]*)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ReferencePattern();
}
