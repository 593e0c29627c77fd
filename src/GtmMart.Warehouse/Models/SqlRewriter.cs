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
    private readonly IReadOnlyDictionary<string, string>? relations;

    private SqlRewriter(IEnumerable<Model> models, Func<string, string>? schemaFor, IReadOnlyDictionary<string, string>? relations = null)
        : this(models.Select(m => m.QualifiedName).ToHashSet(StringComparer.OrdinalIgnoreCase), schemaFor, relations)
    {
    }

    private SqlRewriter(HashSet<string> modelNames, Func<string, string>? schemaFor, IReadOnlyDictionary<string, string>? relations)
    {
        this.modelNames = modelNames;
        this.schemaFor = schemaFor;
        this.relations = relations;
    }

    /// <summary>
    /// References whatever <paramref name="relations"/> says for each model (a table of this build or of an earlier one
    /// that an incremental build keeps, or a filtered subquery over one); models not in it, build <paramref name="buildId"/>'s tables.
    /// </summary>
    public static SqlRewriter ForRelations(IEnumerable<Model> models, long buildId, IReadOnlyDictionary<string, string> relations) =>
        new(models, layer => BuildSchema(layer, buildId), relations);

    /// <summary>References the published objects as they are.</summary>
    public static SqlRewriter Published(IEnumerable<Model> models) => new(models, null);

    /// <summary>References the tables of one build.</summary>
    public static SqlRewriter ForBuild(IEnumerable<Model> models, long buildId) =>
        new(models, layer => BuildSchema(layer, buildId));

    /// <summary>This rewriter with the models in <paramref name="overrides"/> pointed at the given relations (a filtered subquery, say) instead.</summary>
    public SqlRewriter With(IReadOnlyDictionary<string, string> overrides)
    {
        var merged = new Dictionary<string, string>(relations ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (model, relation) in overrides)
        {
            merged[model] = relation;
        }

        return new(modelNames, schemaFor ?? (layer => layer), merged);
    }

    public static string BuildSchema(string layer, long buildId) => $"{layer}__b{buildId:D4}";

    public string Rewrite(string sql) => schemaFor is null
        ? sql
        : ReferencePattern().Replace(sql, m =>
            !modelNames.Contains($"{m.Groups[1].Value}.{m.Groups[2].Value}") ? m.Value
            : relations is not null && relations.TryGetValue($"{m.Groups[1].Value.ToLowerInvariant()}.{m.Groups[2].Value.ToLowerInvariant()}", out var relation) ? relation
            : $"{schemaFor(m.Groups[1].Value.ToLowerInvariant())}.{m.Groups[2].Value}");

    [GeneratedRegex(@"\b(seeds|staging|core|mart)\.([A-Za-z_][A-Za-z0-9_]*)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ReferencePattern();
}
