using Microsoft.ML;
using Microsoft.ML.Data;

namespace GtmMart.Scoring.Opportunity;

/// <summary>Which source feature each slot of the model's Features vector comes from.</summary>
internal static class OpportunitySlotLayout
{
    /// <summary>
    /// Source feature of every slot of the Features vector: the pipeline concatenates one-hot columns, then
    /// missing-replaced numerics, then missing indicators (see the trainer's featurizer).
    /// </summary>
    public static string[] SlotSources(DataViewSchema schema, OpportunityModelMetadata? metadata, int slots)
    {
        IEnumerable<string> columns;
        if (metadata is not null)
        {
            columns = metadata.CategoricalFeatures.Select(f => OpportunityFeatureColumns.CategoricalPrefix + f)
                .Concat(metadata.NumericFeatures.Select(f => OpportunityFeatureColumns.NumericPrefix + f))
                .Concat(metadata.MissingIndicators.Select(f => OpportunityFeatureColumns.MissingPrefix + f));
        }
        else
        {
            var visible = schema.Where(c => !c.IsHidden).Select(c => c.Name).ToList();
            columns = visible.Where(n => n.StartsWith(OpportunityFeatureColumns.CategoricalPrefix, StringComparison.Ordinal))
                .Concat(visible.Where(n => n.StartsWith(OpportunityFeatureColumns.NumericPrefix, StringComparison.Ordinal)))
                .Concat(visible.Where(n => n.StartsWith(OpportunityFeatureColumns.MissingPrefix, StringComparison.Ordinal)));
        }

        var result = new List<string>(slots);
        foreach (var column in columns)
        {
            var size = schema[column].Type.ValueCountOf();
            var source = OpportunityFeatureColumns.SourceOf(column)!;
            for (var i = 0; i < size; i++)
            {
                result.Add(source);
            }
        }

        if (result.Count != slots)
        {
            throw new InvalidDataException($"Feature layout has {result.Count} slots but the model's Features vector has {slots}.");
        }

        return [.. result];
    }

    /// <summary>The slot names of the Features vector (<c>cat__channel.Partner</c>, <c>num__sessions_30d</c>, ...); empty when it has none.</summary>
    public static string[] SlotNames(DataViewSchema.Column features)
    {
        if (!features.HasSlotNames())
        {
            return [];
        }

        var names = default(VBuffer<ReadOnlyMemory<char>>);
        features.GetSlotNames(ref names);
        return [.. names.DenseValues().Select(n => n.ToString())];
    }

    /// <summary>The categories the model has a one-hot slot for, by categorical feature, from the slot names.</summary>
    public static Dictionary<string, HashSet<string>> Categories(IEnumerable<string> slotNames)
    {
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var name in slotNames.Where(n => n.StartsWith(OpportunityFeatureColumns.CategoricalPrefix, StringComparison.Ordinal)))
        {
            var source = name[OpportunityFeatureColumns.CategoricalPrefix.Length..];
            var dot = source.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0)
            {
                var feature = source[..dot];
                if (!result.TryGetValue(feature, out var values))
                {
                    result[feature] = values = new HashSet<string>(StringComparer.Ordinal);
                }

                values.Add(source[(dot + 1)..]);
            }
        }

        return result;
    }
}
