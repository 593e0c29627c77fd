using System.Collections.Concurrent;
using GtmMart.Scoring.Features;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;

namespace GtmMart.Scoring.Opportunity;

/// <summary>
/// Scores opportunities with a trained opportunity model (FastTree or logistic regression, Platt-calibrated) and
/// explains each score with the model's own feature contributions, grouped back to source features.
/// Thread-safe: single-row scoring rents a <see cref="PredictionEngine{TSrc,TDst}"/> from a pool;
/// <see cref="ScoreBatch"/> runs one DataView transform.
/// </summary>
public sealed class OpportunityScorer : IDisposable
{
    private const int FactorsPerSide = 3;

    private readonly MLContext _ml;
    private readonly TransformerChain<ITransformer> _scoring;
    private readonly DataViewSchema _inputSchema;
    private readonly string[] _slotSource;
    private readonly double[] _slotOffset;
    private readonly ConcurrentBag<PredictionEngine<OpportunityFeatureRow, ScoredOpportunity>> _engines = [];
    private bool _disposed;

    private OpportunityScorer(ITransformer model, DataViewSchema inputSchema, OpportunityModelMetadata? metadata)
    {
        _ml = new MLContext(seed: 0);
        _inputSchema = inputSchema;
        Metadata = metadata;

        var empty = _ml.Data.LoadFromEnumerable(Array.Empty<OpportunityFeatureRow>());
        var scoredEmpty = model.Transform(empty);
        var schema = scoredEmpty.Schema;
        var slots = schema[OpportunityFeatureColumns.Features].Type.ValueCountOf();
        _slotSource = SlotSources(schema, metadata, slots);

        // The prediction transformer is the chain's last one, or the one before an appended out-of-fold calibrator.
        var last = model is IEnumerable<ITransformer> chain
            ? chain.LastOrDefault(IsBinaryModel) ?? chain.Last()
            : model;
        ITransformer contributions;
        IReadOnlyList<float>? weights = null;
        switch (last)
        {
            case ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>> tree:
                Algorithm = OpportunityModelMetadata.FastTree;
                contributions = _ml.Transforms.CalculateFeatureContribution(tree, slots, slots, normalize: false).Fit(scoredEmpty);
                break;
            case ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>> linear:
                Algorithm = OpportunityModelMetadata.LogisticRegression;
                weights = linear.Model.SubModel.Weights;
                contributions = _ml.Transforms.CalculateFeatureContribution(linear, slots, slots, normalize: false).Fit(scoredEmpty);
                break;
            default:
                throw new NotSupportedException(
                    $"The model's last transformer ({last.GetType().Name}) is not a calibrated FastTree or linear binary model.");
        }

        // Linear contributions are w·x; centre them on the training means (w·(x − mean)) so a feature at its
        // average explains nothing. Tree contributions are already relative (chosen branch vs the other).
        _slotOffset = new double[slots];
        if (weights is not null && metadata is { FeatureSlotMeans.Count: > 0 } && metadata.FeatureSlotMeans.Count == slots)
        {
            for (var i = 0; i < slots; i++)
            {
                _slotOffset[i] = weights[i] * metadata.FeatureSlotMeans[i];
            }
        }

        _scoring = new TransformerChain<ITransformer>(model, contributions);
    }

    /// <summary>"FastTree" or "LbfgsLogisticRegression".</summary>
    public string Algorithm { get; }

    public OpportunityModelMetadata? Metadata { get; }

    /// <summary>Loads a model zip written by <see cref="OpportunityModelFile.Save"/> (or a plain ML.NET save).</summary>
    public static OpportunityScorer Load(string modelZipPath)
    {
        var (model, schema, metadata) = OpportunityModelFile.Load(new MLContext(seed: 0), modelZipPath);
        return new OpportunityScorer(model, schema, metadata);
    }

    /// <summary>From an in-memory model (as trained).</summary>
    public static OpportunityScorer Create(ITransformer model, DataViewSchema inputSchema, OpportunityModelMetadata? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new OpportunityScorer(model, inputSchema, metadata);
    }

    public OpportunityScore Score(OpportunityFeatureRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_engines.TryTake(out var engine))
        {
            engine = _ml.Model.CreatePredictionEngine<OpportunityFeatureRow, ScoredOpportunity>(_scoring, _inputSchema);
        }

        try
        {
            return Build(row, engine.Predict(row));
        }
        finally
        {
            _engines.Add(engine);
        }
    }

    /// <summary>Batches smaller than this are scored row by row through the engine pool.</summary>
    public const int SmallBatch = 64;

    public IReadOnlyList<OpportunityScore> ScoreBatch(IReadOnlyList<OpportunityFeatureRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (rows.Count == 0)
        {
            return [];
        }

        // A DataView transform costs a few milliseconds to set up, which dominates small requests: below this size
        // the pooled per-row engines are much faster, and give the same scores.
        if (rows.Count < SmallBatch)
        {
            return [.. rows.Select(Score)];
        }

        var scored = _scoring.Transform(_ml.Data.LoadFromEnumerable(rows));
        var result = new List<OpportunityScore>(rows.Count);
        var i = 0;
        foreach (var s in _ml.Data.CreateEnumerable<ScoredOpportunity>(scored, reuseRowObject: true))
        {
            result.Add(Build(rows[i++], s));
        }

        return result;
    }

    /// <summary>Calibrated win probabilities only (no factors), for evaluation.</summary>
    public IReadOnlyList<float> PredictProbabilities(IReadOnlyList<OpportunityFeatureRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var scored = _scoring.Transform(_ml.Data.LoadFromEnumerable(rows));
        return scored.GetColumn<float>(OpportunityFeatureColumns.Probability).ToArray();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        while (_engines.TryTake(out var engine))
        {
            engine.Dispose();
        }
    }

    private static bool IsBinaryModel(ITransformer t) =>
        t is ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>>
            or ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>>;

    private OpportunityScore Build(OpportunityFeatureRow row, ScoredOpportunity scored)
    {
        var byFeature = new Dictionary<string, double>(StringComparer.Ordinal);
        var contributions = scored.FeatureContributions ?? [];
        for (var i = 0; i < contributions.Length && i < _slotSource.Length; i++)
        {
            var c = contributions[i] - _slotOffset[i];
            if (c != 0)
            {
                byFeature[_slotSource[i]] = byFeature.GetValueOrDefault(_slotSource[i]) + c;
            }
        }

        var positive = byFeature.Where(kv => kv.Value > 1e-6)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(FactorsPerSide).Select(kv => Factor(kv.Key, kv.Value, row)).ToList();
        var negative = byFeature.Where(kv => kv.Value < -1e-6)
            .OrderBy(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(FactorsPerSide).Select(kv => Factor(kv.Key, kv.Value, row)).ToList();
        var p = (double)scored.Probability;
        return new OpportunityScore(row.OpportunityId, OpportunityScore.ToScore(p), p, positive, negative);
    }

    private static OpportunityFactor Factor(string feature, double contribution, OpportunityFeatureRow row) =>
        new(feature, OpportunityFactorPhrasing.Phrase(feature, row), contribution);

    /// <summary>
    /// Source feature of every slot of the Features vector: the pipeline concatenates one-hot columns, then
    /// missing-replaced numerics, then missing indicators (see the trainer's featurizer).
    /// </summary>
    private static string[] SlotSources(DataViewSchema schema, OpportunityModelMetadata? metadata, int slots)
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

    internal sealed class ScoredOpportunity
    {
        [ColumnName("opportunity_id")]
        public string OpportunityId { get; set; } = "";

        public float Probability { get; set; }

        public float[]? FeatureContributions { get; set; }
    }
}
