using System.Reflection;
using GtmMart.Scoring.Features;
using Microsoft.ML.Data;

namespace GtmMart.Scoring.Opportunity;

/// <summary>
/// The feature columns of <see cref="OpportunityFeatureRow"/> by their mart (snake_case) name, with typed accessors,
/// and the names of the intermediate columns the opportunity model pipeline creates.
/// </summary>
public static class OpportunityFeatureColumns
{
    /// <summary>Prefix of one-hot columns (one per categorical feature).</summary>
    public const string CategoricalPrefix = "cat__";

    /// <summary>Prefix of missing-replaced numeric columns.</summary>
    public const string NumericPrefix = "num__";

    /// <summary>Prefix of missing-indicator columns (float 0/1).</summary>
    public const string MissingPrefix = "miss__";

    /// <summary>Prefix of the boolean missing indicators before conversion.</summary>
    public const string MissingBoolPrefix = "missb__";

    public const string Features = "Features";
    public const string Label = "label_won";
    public const string Probability = "Probability";
    public const string Contributions = "FeatureContributions";

    private static readonly Dictionary<string, PropertyInfo> Numeric = Columns(typeof(float));
    private static readonly Dictionary<string, PropertyInfo> Categorical = Columns(typeof(string), "opportunity_id", "account_id");
    private static readonly Dictionary<string, Func<OpportunityFeatureRow, float>> NumericGetters = Getters<float>(Numeric);
    private static readonly Dictionary<string, Func<OpportunityFeatureRow, string?>> CategoricalGetters = Getters<string?>(Categorical);

    /// <summary>All numeric (float) feature columns, in declaration order.</summary>
    public static IReadOnlyList<string> AllNumeric { get; } = [.. Numeric.Keys];

    /// <summary>All string columns that can be used as categorical features (ids excluded).</summary>
    public static IReadOnlyList<string> AllCategorical { get; } = [.. Categorical.Keys];

    public static bool IsNumeric(string column) => Numeric.ContainsKey(column);

    public static bool IsCategorical(string column) => Categorical.ContainsKey(column);

    public static float GetNumeric(OpportunityFeatureRow row, string column)
    {
        ArgumentNullException.ThrowIfNull(row);
        return NumericGetter(column)(row);
    }

    public static string GetCategorical(OpportunityFeatureRow row, string column)
    {
        ArgumentNullException.ThrowIfNull(row);
        return CategoricalGetter(column)(row) ?? "";
    }

    /// <summary>The getter of a numeric column (a compiled property getter, no reflection per call).</summary>
    internal static Func<OpportunityFeatureRow, float> NumericGetter(string column) =>
        NumericGetters.TryGetValue(column, out var get) ? get : throw new ArgumentException($"'{column}' is not a numeric column of OpportunityFeatureRow", nameof(column));

    /// <summary>The getter of a categorical column; null for a missing value.</summary>
    internal static Func<OpportunityFeatureRow, string?> CategoricalGetter(string column) =>
        CategoricalGetters.TryGetValue(column, out var get) ? get : throw new ArgumentException($"'{column}' is not a categorical column of OpportunityFeatureRow", nameof(column));

    /// <summary>Sets a numeric or categorical column by its mart name (test and probe rows).</summary>
    internal static void Set(OpportunityFeatureRow row, string column, object? value) =>
        (Numeric.GetValueOrDefault(column) ?? Categorical.GetValueOrDefault(column)
            ?? throw new ArgumentException($"'{column}' is not a feature column of OpportunityFeatureRow", nameof(column))).SetValue(row, value);

    /// <summary>Source feature of a pipeline column (<c>cat__channel</c> → <c>channel</c>), or null.</summary>
    public static string? SourceOf(string pipelineColumn)
    {
        foreach (var prefix in (string[])[CategoricalPrefix, NumericPrefix, MissingPrefix])
        {
            if (pipelineColumn.StartsWith(prefix, StringComparison.Ordinal))
            {
                return pipelineColumn[prefix.Length..];
            }
        }

        return null;
    }

    /// <summary>Number of values in a column type (vector size, 1 for a scalar).</summary>
    public static int ValueCountOf(this DataViewType type) => type is VectorDataViewType v ? v.Size : 1;

    private static Dictionary<string, Func<OpportunityFeatureRow, T>> Getters<T>(Dictionary<string, PropertyInfo> properties) =>
        properties.ToDictionary(p => p.Key, p => p.Value.GetMethod!.CreateDelegate<Func<OpportunityFeatureRow, T>>(), StringComparer.Ordinal);

    private static Dictionary<string, PropertyInfo> Columns(Type type, params string[] exclude)
    {
        var result = new Dictionary<string, PropertyInfo>(StringComparer.Ordinal);
        foreach (var column in SchemaDefinition.Create(typeof(OpportunityFeatureRow)))
        {
            var p = typeof(OpportunityFeatureRow).GetProperty(column.MemberName, BindingFlags.Public | BindingFlags.Instance);
            if (p is not null && p.PropertyType == type && !exclude.Contains(column.ColumnName))
            {
                result[column.ColumnName] = p;
            }
        }

        return result;
    }
}
