using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Models;
using YamlDotNet.Serialization;

namespace GtmMart.Warehouse.Testing;

/// <summary>
/// Reads <c>sql/&lt;layer&gt;/_models.yml</c> and turns each declared test into the SQL that finds its failing rows.
/// Supported: <c>primary_key</c> (not null + unique combination), column tests <c>not_null</c>, <c>unique</c>,
/// <c>accepted_values: {values: [...]}</c>, <c>relationships: {to: layer.model, field: col}</c>, and model-level
/// <c>expression: "sql predicate"</c> (a row fails when the predicate is false); with <c>group_by: [cols]</c> the
/// predicate is over aggregates of each group (<c>sum(credit) = 1</c>), and a group fails when it is false.
/// </summary>
public static class DataTestDeclarations
{
    public const string FileName = "_models.yml";

    public static IReadOnlyList<DataTest> Load(string sqlDirectory, IReadOnlyList<string> layers, IReadOnlyList<Model> models)
    {
        var tests = new List<DataTest>();
        var deserializer = new DeserializerBuilder().Build();
        foreach (var layer in layers)
        {
            var path = Path.Combine(sqlDirectory, layer, FileName);
            if (!File.Exists(path))
            {
                continue;
            }

            object? document;
            try
            {
                document = deserializer.Deserialize<object>(File.ReadAllText(path));
            }
            catch (YamlDotNet.Core.YamlException ex)
            {
                throw new WarehouseException($"{path}: invalid YAML at line {ex.Start.Line}: {ex.Message}", ex);
            }

            foreach (var entry in List(Map(document, path).GetValueOrDefault("models"), path))
            {
                var model = Map(entry, path);
                var name = Text(model.GetValueOrDefault("name"), path, "model name");
                var qualified = $"{layer}.{name}";
                if (!models.Any(m => m.QualifiedName == qualified))
                {
                    throw new WarehouseException($"{path}: declares tests for {qualified}, but sql/{layer}/{name}.{(layer == ModelCatalog.SeedLayer ? "csv" : "sql")} does not exist.");
                }

                tests.AddRange(ModelTests(qualified, model, path));
            }
        }

        return tests;
    }

    /// <summary>The <c>incremental:</c> declarations of one layer's <c>_models.yml</c>, by model name.</summary>
    public static Dictionary<string, Building.IncrementalSpec> IncrementalSpecs(string path)
    {
        var specs = new Dictionary<string, Building.IncrementalSpec>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return specs;
        }

        var document = new DeserializerBuilder().Build().Deserialize<object>(File.ReadAllText(path));
        foreach (var entry in List(Map(document, path).GetValueOrDefault("models"), path))
        {
            var model = Map(entry, path);
            if (model.GetValueOrDefault("incremental") is not { } node)
            {
                continue;
            }

            var spec = Map(node, path);
            var name = Text(model.GetValueOrDefault("name"), path, "model name");
            var by = Text(spec.GetValueOrDefault("by"), path, $"incremental.by of {name}");
            var lookback = spec.GetValueOrDefault("lookback_days") is { } l ? int.Parse(Text(l, path, "lookback_days"), System.Globalization.CultureInfo.InvariantCulture) : 0;
            var inputs = Map(spec.GetValueOrDefault("inputs"), path).ToDictionary(kv => kv.Key, kv => Text(kv.Value, path, $"incremental input of {name}"), StringComparer.Ordinal);
            var keyed = spec.GetValueOrDefault("keyed_inputs") is { } k
                ? Map(k, path).ToDictionary(kv => kv.Key, kv => Text(kv.Value, path, $"incremental keyed input of {name}"), StringComparer.Ordinal)
                : [];
            var grain = spec.GetValueOrDefault("grain") is { } g ? Text(g, path, $"incremental.grain of {name}") : "day";
            if (grain is not ("day" or "month"))
            {
                throw new WarehouseException($"{path}: incremental.grain of {name} must be day or month, not '{grain}'.");
            }

            var batch = spec.GetValueOrDefault("batch") is { } b ? Text(b, path, $"incremental.batch of {name}") : null;
            if (batch is not (null or "month" or "week") || (batch == "week" && grain == "month") || (batch is not null && by == "account_id"))
            {
                throw new WarehouseException($"{path}: incremental.batch of {name} must be month, or week for a day-grained date key, not '{batch}'.");
            }

            specs[name] = new Building.IncrementalSpec(by, lookback, inputs) { KeyedInputs = keyed, Grain = grain, Batch = batch };
        }

        return specs;
    }

    /// <summary>The <c>computed_by:</c> declarations of one layer's <c>_models.yml</c>: model name to build step name.</summary>
    public static Dictionary<string, string> ComputedSteps(string path)
    {
        var steps = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return steps;
        }

        var document = new DeserializerBuilder().Build().Deserialize<object>(File.ReadAllText(path));
        foreach (var entry in List(Map(document, path).GetValueOrDefault("models"), path))
        {
            var model = Map(entry, path);
            if (model.GetValueOrDefault("computed_by") is { } step)
            {
                var name = Text(model.GetValueOrDefault("name"), path, "model name");
                steps[name] = Text(step, path, $"computed_by of {name}");
            }
        }

        return steps;
    }

    /// <summary>Per seed in <c>sql/seeds/_models.yml</c>: its <c>column_types</c> and <c>applies_to</c> raw columns.</summary>
    public static Dictionary<string, (Dictionary<string, string> Types, IReadOnlyList<string> AppliesTo)> SeedSettings(string path)
    {
        var settings = new Dictionary<string, (Dictionary<string, string>, IReadOnlyList<string>)>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return settings;
        }

        object? document;
        try
        {
            document = new DeserializerBuilder().Build().Deserialize<object>(File.ReadAllText(path));
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new WarehouseException($"{path}: invalid YAML at line {ex.Start.Line}: {ex.Message}", ex);
        }

        foreach (var entry in List(Map(document, path).GetValueOrDefault("models"), path))
        {
            var seed = Map(entry, path);
            var name = Text(seed.GetValueOrDefault("name"), path, "seed name");
            var types = Map(seed.GetValueOrDefault("column_types"), path).ToDictionary(kv => kv.Key, kv => Text(kv.Value, path, $"column type of {name}.{kv.Key}"), StringComparer.Ordinal);
            var appliesTo = List(seed.GetValueOrDefault("applies_to"), path).Select(a => Text(a, path, $"applies_to of {name}")).ToList();
            settings[name] = (types, appliesTo);
        }

        return settings;
    }

    private static IEnumerable<DataTest> ModelTests(string model, Dictionary<string, object?> declaration, string path)
    {
        if (declaration.GetValueOrDefault("primary_key") is { } pk)
        {
            var key = List(pk, path).Select(k => Text(k, path, "primary_key column")).ToList();
            foreach (var column in key)
            {
                yield return DataTestSql.NotNull(model, column, path);
            }

            yield return DataTestSql.UniqueCombination(model, key, path);
        }
        else
        {
            throw new WarehouseException($"{path}: model {model} declares no primary_key.");
        }

        foreach (var columnEntry in List(declaration.GetValueOrDefault("columns"), path))
        {
            var column = Map(columnEntry, path);
            var columnName = Text(column.GetValueOrDefault("name"), path, "column name");
            foreach (var test in List(column.GetValueOrDefault("tests"), path))
            {
                yield return ColumnTest(model, columnName, test, path);
            }
        }

        foreach (var test in List(declaration.GetValueOrDefault("tests"), path))
        {
            var map = Map(test, path);
            var expression = Text(map.GetValueOrDefault("expression"), path, $"expression test on {model}");
            var groupBy = List(map.GetValueOrDefault("group_by"), path).Select(c => Text(c, path, $"group_by column of {model}")).ToList();
            yield return groupBy.Count == 0 ? DataTestSql.Expression(model, expression, path) : DataTestSql.GroupExpression(model, groupBy, expression, path);
        }
    }

    private static DataTest ColumnTest(string model, string column, object? test, string path)
    {
        if (test is string simple)
        {
            return simple switch
            {
                "not_null" => DataTestSql.NotNull(model, column, path),
                "unique" => DataTestSql.Unique(model, column, path),
                _ => throw new WarehouseException($"{path}: unknown test '{simple}' on {model}.{column}."),
            };
        }

        var map = Map(test, path);
        if (map.Count != 1)
        {
            throw new WarehouseException($"{path}: a test on {model}.{column} must have exactly one name.");
        }

        var (kind, argsObject) = map.First();
        var args = Map(argsObject, path);
        return kind switch
        {
            "accepted_values" => DataTestSql.AcceptedValues(
                model, column, List(args.GetValueOrDefault("values"), path).Select(v => Text(v, path, "accepted value")).ToList(), path),
            "relationships" => DataTestSql.Relationship(
                model, column, Text(args.GetValueOrDefault("to"), path, "relationships.to"), Text(args.GetValueOrDefault("field"), path, "relationships.field"), path),
            _ => throw new WarehouseException($"{path}: unknown test '{kind}' on {model}.{column}."),
        };
    }

    /// <summary>
    /// The data tests of tables GtmMart writes itself rather than builds (declared by DDL, such as the score tables):
    /// a <c>tables:</c> list whose entries name each table as <c>schema.table</c> and otherwise read like a model's.
    /// </summary>
    public static IReadOnlyList<DataTest> LoadTables(string yaml, string path, IReadOnlyCollection<string> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        object? document;
        try
        {
            document = new DeserializerBuilder().Build().Deserialize<object>(yaml);
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new WarehouseException($"{path}: invalid YAML at line {ex.Start.Line}: {ex.Message}", ex);
        }

        var tests = new List<DataTest>();
        foreach (var entry in List(Map(document, path).GetValueOrDefault("tables"), path))
        {
            var table = Map(entry, path);
            var name = Text(table.GetValueOrDefault("name"), path, "table name");
            if (!tables.Contains(name))
            {
                throw new WarehouseException($"{path}: declares tests for {name}, which is not one of the declared tables ({string.Join(", ", tables)}).");
            }

            tests.AddRange(ModelTests(name, table, path));
        }

        return tests;
    }

    private static Dictionary<string, object?> Map(object? node, string path) => node switch
    {
        Dictionary<object, object?> map => map.ToDictionary(kv => Convert.ToString(kv.Key, System.Globalization.CultureInfo.InvariantCulture) ?? "", kv => kv.Value),
        null => [],
        _ => throw new WarehouseException($"{path}: expected a mapping, found '{node}'."),
    };

    private static List<object?> List(object? node, string path) => node switch
    {
        List<object?> list => list,
        null => [],
        _ => throw new WarehouseException($"{path}: expected a list, found '{node}'."),
    };

    private static string Text(object? node, string path, string what) => node is string { Length: > 0 } text
        ? text
        : throw new WarehouseException($"{path}: {what} is missing or not text.");
}
