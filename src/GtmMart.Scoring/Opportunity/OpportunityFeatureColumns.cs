using Microsoft.ML.Data;

namespace GtmMart.Scoring.Opportunity;

/// <summary>
/// The names of the columns the opportunity model pipeline creates from the feature columns (see the trainer's
/// featurizer): one-hot, missing-replaced and missing-indicator columns, the Features vector and the outputs.
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
    public const string Score = "Score";

    /// <summary>Source feature of a pipeline column (<c>cat__channel</c> → <c>channel</c>), or null.</summary>
    public static string? SourceOf(string pipelineColumn)
    {
        ArgumentNullException.ThrowIfNull(pipelineColumn);
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
}
