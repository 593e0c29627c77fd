using System.Collections.Concurrent;
using GtmMart.Scoring.Features;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace GtmMart.Scoring.Opportunity;

/// <summary>
/// The model's featurizer run by ML.NET: one row at a time through pooled row-to-row mappers over a settable row (what
/// a prediction engine does, without a typed row class), or a whole batch through one DataView transform. The path
/// for a featurizer <see cref="OpportunityFeaturizer"/> does not cover, and the reference it is checked against.
/// </summary>
internal sealed class MlNetFeaturizer(ITransformer featurizer, OpportunityFeatureCatalog catalog, int slots) : IDisposable
{
    private readonly ConcurrentBag<Worker> _workers = [];
    private bool _disposed;

    public int Slots => slots;

    /// <summary>Writes the Features vector of <paramref name="row"/> into <paramref name="into"/>.</summary>
    public void Featurize(OpportunityFeatureRow row, Span<float> into)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_workers.TryTake(out var worker))
        {
            worker = new Worker(featurizer, catalog);
        }

        try
        {
            worker.Input.Set(row);
            worker.Get(ref worker.Vector);
            CopyDense(worker.Vector, into);
        }
        finally
        {
            _workers.Add(worker);
        }
    }

    /// <summary>The Features vectors of <paramref name="rows"/> from one DataView transform.</summary>
    public List<float[]> FeaturizeBatch(IReadOnlyList<OpportunityFeatureRow> rows)
    {
        var result = new List<float[]>(rows.Count);
        foreach (var v in featurizer.Transform(OpportunityDataView.Create(catalog, rows)).GetColumn<VBuffer<float>>(OpportunityFeatureColumns.Features))
        {
            var dense = new float[slots];
            CopyDense(v, dense);
            result.Add(dense);
        }

        return result;
    }

    public void Dispose()
    {
        _disposed = true;
        while (_workers.TryTake(out var worker))
        {
            worker.Output.Dispose();
        }
    }

    private static void CopyDense(in VBuffer<float> vector, Span<float> into)
    {
        if (vector.Length != into.Length)
        {
            throw new InvalidDataException($"The featurized vector has {vector.Length} values; the model has {into.Length} slots.");
        }

        vector.CopyTo(into);
    }

    /// <summary>One settable input row, the featurizer's output row over it and the Features getter (not thread-safe).</summary>
    private sealed class Worker
    {
        public readonly OpportunityDataView.CurrentRow Input;
        public readonly DataViewRow Output;
        public readonly ValueGetter<VBuffer<float>> Get;
        public VBuffer<float> Vector;

        public Worker(ITransformer featurizer, OpportunityFeatureCatalog catalog)
        {
            Input = OpportunityDataView.Single(catalog);
            var mapper = featurizer.GetRowToRowMapper(Input.Schema);
            var features = mapper.OutputSchema[OpportunityFeatureColumns.Features];
            Output = mapper.GetRow(Input, [features]);
            Get = Output.GetGetter<VBuffer<float>>(Output.Schema[OpportunityFeatureColumns.Features]);
        }
    }
}
