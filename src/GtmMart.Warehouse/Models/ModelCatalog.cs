using System.Text.RegularExpressions;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Testing;

namespace GtmMart.Warehouse.Models;

/// <summary>
/// The models under <c>sql/</c>, in dependency order derived from the references each one makes, plus the data
/// tests declared beside them in each layer's <c>_models.yml</c>.
/// </summary>
public sealed partial class ModelCatalog
{
    public const string SeedLayer = "seeds";

    /// <summary>The schemas models live in, in build order: seeds first (CSV vocabularies), then the SQL layers.</summary>
    public static readonly IReadOnlyList<string> Layers = [SeedLayer, "staging", "core", "mart"];

    private ModelCatalog(string directory, IReadOnlyList<Model> models, IReadOnlyList<DataTest> tests)
    {
        Directory = directory;
        Models = models;
        Tests = tests;
    }

    public string Directory { get; }

    /// <summary>Models in an order where every model comes after the models it references.</summary>
    public IReadOnlyList<Model> Models { get; }

    public IReadOnlyList<DataTest> Tests { get; }

    /// <summary>The models built as views (<see cref="Model.IsView"/>), by qualified name: their rows are computed on every read.</summary>
    public IReadOnlySet<string> Views => Models.Where(m => m.IsView).Select(m => m.QualifiedName).ToHashSet(StringComparer.Ordinal);

    public Model? Find(string qualifiedName) => Models.FirstOrDefault(m => m.QualifiedName == qualifiedName);

    public static ModelCatalog Load(string sqlDirectory)
    {
        if (!System.IO.Directory.Exists(sqlDirectory))
        {
            throw new WarehouseException($"SQL folder not found: {Path.GetFullPath(sqlDirectory)} (set --sql-dir or GTM_SQL_DIR).");
        }

        var models = new List<Model>(LoadSeeds(sqlDirectory));
        foreach (var layer in Layers.Where(l => l != SeedLayer))
        {
            var folder = Path.Combine(sqlDirectory, layer);
            if (!System.IO.Directory.Exists(folder))
            {
                continue;
            }

            var incremental = DataTestDeclarations.IncrementalSpecs(Path.Combine(folder, DataTestDeclarations.FileName));
            var computed = DataTestDeclarations.ComputedSteps(Path.Combine(folder, DataTestDeclarations.FileName));
            foreach (var (name, step) in computed.Where(c => !Building.ComputedModels.Names.Contains(c.Value)))
            {
                throw new WarehouseException($"{Path.Combine(folder, DataTestDeclarations.FileName)}: {layer}.{name} is computed_by '{step}', which is not a build step (known: {string.Join(", ", Building.ComputedModels.Names)}).");
            }

            foreach (var file in System.IO.Directory.GetFiles(folder, "*.sql").Order(StringComparer.Ordinal))
            {
                var sql = File.ReadAllText(file).Trim().TrimEnd(';');
                var name = Path.GetFileNameWithoutExtension(file);
                models.Add(new Model(layer, name, file, sql, FindReferences(sql)) { Incremental = incremental.GetValueOrDefault(name), ComputedBy = computed.GetValueOrDefault(name) });
            }
        }

        var ordered = Order(models);
        var tests = DataTestDeclarations.Load(sqlDirectory, Layers, ordered);
        return new ModelCatalog(Path.GetFullPath(sqlDirectory), ordered, tests);
    }

    /// <summary>The seeds: every <c>sql/seeds/*.csv</c> with its column types and raw columns from <c>sql/seeds/_models.yml</c>.</summary>
    private static IEnumerable<Model> LoadSeeds(string sqlDirectory)
    {
        var folder = Path.Combine(sqlDirectory, SeedLayer);
        if (!System.IO.Directory.Exists(folder))
        {
            yield break;
        }

        var declarations = DataTestDeclarations.SeedSettings(Path.Combine(folder, DataTestDeclarations.FileName));
        foreach (var file in System.IO.Directory.GetFiles(folder, "*.csv").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var (types, appliesTo) = declarations.GetValueOrDefault(name, (new Dictionary<string, string>(), []));
            yield return new Model(SeedLayer, name, file, "", [], Seed.Read(file, types, appliesTo));
        }
    }

    /// <summary>Schema-qualified relation names (<c>raw.x</c>, <c>staging.x</c>, ...) the SQL mentions outside comments.</summary>
    public static IReadOnlyList<string> FindReferences(string sql) =>
        ReferencePattern().Matches(StripComments(sql))
            .Select(m => $"{m.Groups[1].Value.ToLowerInvariant()}.{m.Groups[2].Value.ToLowerInvariant()}")
            .Distinct()
            .ToList();

    internal static string StripComments(string sql) => CommentPattern().Replace(sql, " ");

    private static List<Model> Order(List<Model> models)
    {
        var byName = models.ToDictionary(m => m.QualifiedName);
        foreach (var model in models)
        {
            foreach (var reference in model.ModelReferences.Where(r => !byName.ContainsKey(r)))
            {
                throw new WarehouseException($"{model.Path}: references {reference}, which is not a model under sql/.");
            }
        }

        var ordered = new List<Model>();
        var state = new Dictionary<string, bool>(); // false: visiting, true: done
        foreach (var model in models)
        {
            Visit(model, []);
        }

        return ordered;

        void Visit(Model model, List<string> path)
        {
            if (state.TryGetValue(model.QualifiedName, out var done))
            {
                if (!done)
                {
                    throw new WarehouseException($"Models reference each other in a cycle: {string.Join(" -> ", path.Append(model.QualifiedName))}.");
                }

                return;
            }

            state[model.QualifiedName] = false;
            foreach (var reference in model.ModelReferences.Where(r => r != model.QualifiedName))
            {
                Visit(byName[reference], [.. path, model.QualifiedName]);
            }

            state[model.QualifiedName] = true;
            ordered.Add(model);
        }
    }

    [GeneratedRegex(@"\b(raw|seeds|staging|core|mart)\.([A-Za-z_][A-Za-z0-9_]*)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ReferencePattern();

    [GeneratedRegex(@"--[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex CommentPattern();
}
