using Microsoft.ML;

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
}
