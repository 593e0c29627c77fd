using GtmMart.Scoring.Features;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace GtmMart.Scoring.Opportunity;

/// <summary>
/// Scores opportunities with a trained opportunity model (LightGBM, FastTree or logistic regression, Platt-calibrated) and
/// explains each score per feature family against the typical deal of the model's training rows
/// (<see cref="OpportunityReasons"/>). Thread-safe, and free of ML.NET per row: <see cref="OpportunityFeaturizer"/>
/// computes the featurized vector (checked against ML.NET's at load), <see cref="ModelHead"/> the raw score and each
/// family's effect, <see cref="PlattCalibration"/> the probability. A featurizer the first does not cover is run by
/// ML.NET (<see cref="MlNetFeaturizer"/>: pooled row mappers, one DataView transform for large batches).
/// </summary>
public sealed class OpportunityScorer : IOpportunityScorer
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly ModelHead _head;
    private readonly PlattCalibration _calibration;
    /// <summary>The featurizer computed in process (null: ML.NET's featurizes).</summary>
    private readonly OpportunityFeaturizer? _featurizer;
    private readonly MlNetFeaturizer _mlNet;
    private readonly int _slots;
    private readonly int _families;
    private readonly float[] _reference;
    private readonly OpportunityReasons _reasons;
    private bool _disposed;

    private OpportunityScorer(ITransformer model, OpportunityModelMetadata? metadata, OpportunityFeatureCatalog catalog, bool featurizeInProcess = true)
    {
        _ml = new MLContext(seed: 0);
        _model = model;
        Metadata = metadata;
        Catalog = catalog;

        var schema = model.GetOutputSchema(OpportunityDataView.Schema(catalog));
        var features = schema[OpportunityFeatureColumns.Features];
        _slots = features.Type.ValueCountOf();
        var slotSource = OpportunitySlotLayout.SlotSources(schema, metadata, _slots);
        foreach (var unknown in slotSource.Where(s => !catalog.Contains(s)).Distinct())
        {
            throw new InvalidDataException($"The model uses the feature '{unknown}', which the feature catalog does not declare.");
        }

        // The model's families in catalog order; each slot's index into them.
        var sources = slotSource.ToHashSet(StringComparer.Ordinal);
        var families = catalog.Families.Select(f => f.Id).Where(id => catalog.FamilyFeatures[id].Any(f => sources.Contains(f.Name))).ToList();
        _families = families.Count;
        var slotFamily = slotSource.Select(s => families.IndexOf(catalog[s].Family)).ToArray();

        // The prediction transformer is the chain's last one, or the one before an appended out-of-fold calibrator.
        var last = model is IEnumerable<ITransformer> chain ? chain.LastOrDefault(IsBinaryModel) ?? chain.Last() : model;
        (Algorithm, _head, var own) = last switch
        {
            ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>> tree =>
                (OpportunityModelMetadata.FastTree, ModelHead.For(tree.Model.SubModel, slotFamily), tree.Model.Calibrator),
            ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<LightGbmBinaryModelParameters, PlattCalibrator>> lightGbm =>
                (OpportunityModelMetadata.LightGbm, ModelHead.For(lightGbm.Model.SubModel, slotFamily), lightGbm.Model.Calibrator),
            ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>> linear =>
                (OpportunityModelMetadata.LogisticRegression, ModelHead.For(linear.Model.SubModel, slotFamily), linear.Model.Calibrator),
            _ => throw new NotSupportedException($"The model's last transformer ({last.GetType().Name}) is not a calibrated LightGBM, FastTree or linear binary model."),
        } switch
        {
            (var a, { } h, var c) => (a, h, c),
            _ => throw new NotSupportedException("The model's predictor uses what this scorer does not compute (categorical splits, or weights not one per slot)."),
        };
        var (featurizer, calibration) = SplitAtPredictor(model, last, own)
            ?? throw new NotSupportedException("The model's transformers after its predictor are not one Platt calibrator.");
        _calibration = calibration;
        _mlNet = new MlNetFeaturizer(featurizer, catalog, _slots);
        _featurizer = featurizeInProcess && OpportunityFeaturizer.TryCreate(_ml, featurizer, catalog) is { } f && f.Slots == _slots ? f : null;

        var typical = metadata?.TypicalDeal?.ToRow(catalog);
        _reference = new float[_slots];
        if (typical is not null)
        {
            Featurize(typical, _reference);
        }

        var categories = OpportunitySlotLayout.Categories(OpportunitySlotLayout.SlotNames(features));
        KnownCategories = categories.Where(c => sources.Contains(c.Key)).ToDictionary(
            c => c.Key, c => (IReadOnlyList<string>)[.. c.Value.Order(StringComparer.Ordinal)], StringComparer.Ordinal);
        _reasons = new OpportunityReasons(
            catalog,
            families,
            sources,
            categories,
            (metadata?.MissingIndicators ?? []).ToHashSet(StringComparer.Ordinal),
            typical);
    }

    /// <summary>
    /// The transformers before the prediction transformer (the featurizer) and the calibration that gives the final
    /// probability: an appended Platt calibrator's when there is one, else the model's own; null for another layout.
    /// </summary>
    private (ITransformer Featurizer, PlattCalibration Calibration)? SplitAtPredictor(ITransformer model, ITransformer predictor, PlattCalibrator own)
    {
        if (model is not IEnumerable<ITransformer> chain)
        {
            return null;
        }

        var parts = chain.ToList();
        var at = parts.IndexOf(predictor);
        var calibration = parts.Skip(at + 1).ToList() switch
        {
            [] => new PlattCalibration(own.Slope, own.Offset),
            [CalibratorTransformer<PlattCalibrator> appended] => PlattCalibration.Read(_ml, appended),
            _ => null,
        };
        return at < 0 || calibration is null ? null : (new TransformerChain<ITransformer>([.. parts.Take(at)]), calibration);
    }

    /// <summary>A scorer whose rows ML.NET featurizes (row mappers, a DataView for large batches): the fallback path.</summary>
    internal static OpportunityScorer WithMlNetFeaturizer(ITransformer model, OpportunityModelMetadata? metadata, OpportunityFeatureCatalog? catalog = null) =>
        new(model, metadata, catalog ?? OpportunityFeatureCatalog.Default, featurizeInProcess: false);

    /// <summary>Whether rows are featurized in process (else by ML.NET).</summary>
    internal bool FeaturizesInProcess => _featurizer is not null;

    /// <summary>Whether scores carry reasons (the model has a typical deal to measure them against).</summary>
    public bool GivesReasons => _reasons.HasReference;

    public IReadOnlyDictionary<string, IReadOnlyList<string>> KnownCategories { get; }

    /// <summary>"LightGbm", "FastTree" or "LbfgsLogisticRegression".</summary>
    public string Algorithm { get; }

    public OpportunityModelMetadata? Metadata { get; }

    /// <summary>The feature catalog of the rows this scorer takes.</summary>
    public OpportunityFeatureCatalog Catalog { get; }

    /// <summary>Loads a model zip written by <see cref="OpportunityModelFile.Save"/> (or a plain ML.NET save).</summary>
    public static OpportunityScorer Load(string modelZipPath, OpportunityFeatureCatalog? catalog = null)
    {
        var (model, _, metadata) = OpportunityModelFile.Load(new MLContext(seed: 0), modelZipPath);
        return new OpportunityScorer(model, metadata, catalog ?? OpportunityFeatureCatalog.Default);
    }

    /// <summary>From an in-memory model (as trained).</summary>
    public static OpportunityScorer Create(ITransformer model, OpportunityModelMetadata? metadata = null, OpportunityFeatureCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new OpportunityScorer(model, metadata, catalog ?? OpportunityFeatureCatalog.Default);
    }

    public OpportunityScore Score(OpportunityFeatureRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Span<float> vector = _slots <= 512 ? stackalloc float[_slots] : new float[_slots];
        Featurize(row, vector);
        return Build(row, vector);
    }

    /// <summary>
    /// From how many rows a batch is featurized through one DataView transform rather than row by row, when ML.NET
    /// featurizes (rows featurized in process are always scored row by row): a DataView costs milliseconds to set up.
    /// </summary>
    public const int DataViewBatch = 4_096;

    public IReadOnlyList<OpportunityScore> ScoreBatch(IReadOnlyList<OpportunityFeatureRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (rows.Count < DataViewBatch || _featurizer is not null)
        {
            return [.. rows.Select(Score)];
        }

        var vectors = _mlNet.FeaturizeBatch(rows);
        return [.. rows.Select((r, i) => Build(r, vectors[i]))];
    }

    /// <summary>Calibrated win probabilities only (no reasons), from the whole model in ML.NET.</summary>
    public IReadOnlyList<float> PredictProbabilities(IReadOnlyList<OpportunityFeatureRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var scored = _model.Transform(OpportunityDataView.Create(Catalog, rows));
        return scored.GetColumn<float>(OpportunityFeatureColumns.Probability).ToArray();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _mlNet.Dispose();
    }

    private void Featurize(OpportunityFeatureRow row, Span<float> vector)
    {
        if (row.Catalog != Catalog)
        {
            throw new ArgumentException($"row {row.OpportunityId} belongs to another feature catalog than the scorer's", nameof(row));
        }

        if (_featurizer is { } featurizer)
        {
            featurizer.Featurize(row, vector);
        }
        else
        {
            _mlNet.Featurize(row, vector);
        }
    }

    private static bool IsBinaryModel(ITransformer t) =>
        t is ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>>
            or ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<LightGbmBinaryModelParameters, PlattCalibrator>>
            or ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>>;

    /// <summary>
    /// The score of <paramref name="row"/> from its featurized vector: the raw score and, when the model has a typical
    /// deal, each family's effect on it, calibrated into the probability and, through the calibration's slope, into
    /// log-odds (p = 1 / (1 + e^(slope · s + offset)), so the log-odds move by −slope per unit of raw score).
    /// </summary>
    private OpportunityScore Build(OpportunityFeatureRow row, ReadOnlySpan<float> vector)
    {
        Span<double> effects = _reasons.HasReference ? _families <= 128 ? stackalloc double[_families] : new double[_families] : [];
        effects.Clear();
        var probability = (double)_calibration.Probability(_head.Evaluate(vector, _reference, effects));
        var (positive, negative, unknown) = _reasons.Explain(row, effects, -_calibration.Slope);
        return new OpportunityScore(row.OpportunityId, OpportunityScore.ToScore(probability), probability, positive, negative) { Unknown = unknown };
    }
}
