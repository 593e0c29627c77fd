using Microsoft.ML;
using Microsoft.ML.Data;

namespace GtmMart.Scoring.Icp;

/// <summary>Input row of both ICP ML.NET models: a fixed-length "Features" vector (and a label for training).</summary>
internal sealed class IcpVectorRow
{
    public bool Label { get; set; }
    public float[] Features { get; set; } = [];
}

internal sealed class IcpFitOutput
{
    public float Probability { get; set; }
}

internal sealed class IcpClusterOutput
{
    public uint PredictedLabel { get; set; }
}

internal static class IcpVectorData
{
    /// <summary>The input schema with the Features vector's fixed length (ML.NET cannot infer it from an array).</summary>
    public static SchemaDefinition InputSchema(int length)
    {
        var schema = SchemaDefinition.Create(typeof(IcpVectorRow));
        schema[nameof(IcpVectorRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, length);
        return schema;
    }

    public static IDataView ToDataView(MLContext ml, IEnumerable<IcpVectorRow> rows, int length) =>
        ml.Data.LoadFromEnumerable(rows, InputSchema(length));

    public static float[] PredictProbabilities(MLContext ml, ITransformer model, IReadOnlyList<float[]> vectors, int length)
    {
        var view = model.Transform(ToDataView(ml, vectors.Select(v => new IcpVectorRow { Features = v }), length));
        return [.. ml.Data.CreateEnumerable<IcpFitOutput>(view, reuseRowObject: false).Select(o => o.Probability)];
    }

    public static uint[] PredictClusters(MLContext ml, ITransformer model, IReadOnlyList<float[]> vectors, int length)
    {
        var view = model.Transform(ToDataView(ml, vectors.Select(v => new IcpVectorRow { Features = v }), length));
        return [.. ml.Data.CreateEnumerable<IcpClusterOutput>(view, reuseRowObject: false).Select(o => o.PredictedLabel)];
    }
}
