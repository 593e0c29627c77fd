using System.Text.Json;
using GtmMart.Scoring.Features;
using Microsoft.ML;

namespace GtmMart.Scoring.Icp;

/// <summary>
/// Scores accounts with a saved ICP model: fit (firmographics only) → fit score and tier, behaviour score from
/// engagement, KMeans segment, and the top fit reasons. Thread-safe: large batches go through
/// <see cref="ITransformer.Transform"/>, small ones through pooled prediction engines; the manifest is immutable.
/// </summary>
public sealed class IcpScorer : IDisposable
{
    /// <summary>Batches smaller than this are scored row by row through the engine pools (a DataView costs milliseconds).</summary>
    public const int SmallBatch = 64;

    private readonly MLContext _ml;
    /// <summary>The trained fit model and its engine pool; null for a neutral fit (too few wins and losses to train).</summary>
    private readonly (ITransformer Model, EnginePool<IcpVectorRow, IcpFitOutput> Engines)? _fit;
    private readonly ITransformer _segmentModel;
    private readonly Dictionary<int, IcpSegmentProfile> _profiles;
    private readonly EnginePool<IcpVectorRow, IcpClusterOutput> _segmentEngines;

    internal IcpScorer(MLContext ml, IcpModelManifest manifest, ITransformer? fitModel, ITransformer segmentModel)
    {
        if (manifest.Fit.Trained && fitModel is null)
        {
            throw new ArgumentException("A trained fit model needs its ML.NET model.", nameof(fitModel));
        }

        _ml = ml;
        Manifest = manifest;
        _segmentModel = segmentModel;
        _profiles = manifest.Segments.Profiles.ToDictionary(p => p.SegmentId);
        var fitSchema = IcpVectorData.InputSchema(manifest.Fit.Encoding.Length);
        var segmentSchema = IcpVectorData.InputSchema(SegmentVectorLength);
        _fit = manifest.Fit.Trained && fitModel is { } fitTransformer
            ? (fitTransformer, new(() => ml.Model.CreatePredictionEngine<IcpVectorRow, IcpFitOutput>(fitTransformer, inputSchemaDefinition: fitSchema)))
            : null;
        _segmentEngines = new(() => ml.Model.CreatePredictionEngine<IcpVectorRow, IcpClusterOutput>(segmentModel, inputSchemaDefinition: segmentSchema));
    }

    /// <summary>Thresholds, encodings, behaviour weights, segment profiles and training warnings.</summary>
    public IcpModelManifest Manifest { get; }

    /// <summary>Loads <c>icp_model.json</c>, <c>icp_fit_model.zip</c> (absent for a neutral fit) and <c>icp_segment_model.zip</c>.</summary>
    public static IcpScorer Load(string directory)
    {
        var manifestPath = Path.Combine(directory, IcpModelManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new FileNotFoundException($"No ICP model in '{directory}' ({IcpModelManifest.FileName} missing).", manifestPath);
        }

        var manifest = JsonSerializer.Deserialize<IcpModelManifest>(File.ReadAllText(manifestPath), IcpModelManifest.Json)
            ?? throw new InvalidDataException($"'{manifestPath}' is empty.");
        if (manifest.FormatVersion != IcpModelManifest.CurrentFormatVersion)
        {
            throw new InvalidDataException($"'{manifestPath}' has format version {manifest.FormatVersion}; expected {IcpModelManifest.CurrentFormatVersion}.");
        }

        var ml = new MLContext(seed: 0);
        var fit = manifest.Fit.Trained ? ml.Model.Load(Path.Combine(directory, IcpModelManifest.FitModelFileName), out _) : null;
        var segments = ml.Model.Load(Path.Combine(directory, IcpModelManifest.SegmentModelFileName), out _);
        return new IcpScorer(ml, manifest, fit, segments);
    }

    /// <summary>Writes the manifest and the two models to <paramref name="directory"/> (created if needed).</summary>
    internal void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var fitPath = Path.Combine(directory, IcpModelManifest.FitModelFileName);
        if (_fit is { } trained)
        {
            _ml.Model.Save(trained.Model, IcpVectorData.ToDataView(_ml, [], Manifest.Fit.Encoding.Length).Schema, fitPath);
        }
        else if (File.Exists(fitPath))
        {
            File.Delete(fitPath);
        }

        _ml.Model.Save(_segmentModel, IcpVectorData.ToDataView(_ml, [], SegmentVectorLength).Schema,
            Path.Combine(directory, IcpModelManifest.SegmentModelFileName));
        File.WriteAllText(Path.Combine(directory, IcpModelManifest.FileName), JsonSerializer.Serialize(Manifest, IcpModelManifest.Json));
    }

    private int SegmentVectorLength => Manifest.Segments.Encoding.Length + 1;

    /// <summary>
    /// The categories the fit model knows, by firmographic feature it uses (each sorted ordinally); empty for a neutral
    /// fit, which uses none. Any other value scores as unknown (<see cref="UnknownValues"/>).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> KnownCategories =>
        (Manifest.Fit.Trained ? Manifest.Fit.Encoding.Categoricals : []).ToDictionary(
            c => c.Feature, c => (IReadOnlyList<string>)[.. c.Values.Order(StringComparer.Ordinal)], StringComparer.Ordinal);

    /// <summary>
    /// What the fit model did not know about <paramref name="row"/>: a category it has no slot for ("Unknown industry
    /// 'Aerospace'"), an empty one ("Industry not given") or a firmographic number not given ("Employee count not
    /// given"). Such values are scored as unknown: no category slot set, the number at the training mean. Empty for
    /// a neutral fit (it uses nothing).
    /// </summary>
    public IReadOnlyList<IcpUnknownValue> UnknownValues(AccountFeatureRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var unknown = new List<IcpUnknownValue>();
        if (!Manifest.Fit.Trained)
        {
            return unknown;
        }

        foreach (var c in Manifest.Fit.Encoding.Categoricals)
        {
            var raw = IcpFeatureCatalog.Categorical(c.Feature)(row);
            var value = IcpFeatureCatalog.CleanCategory(raw);
            var noun = IcpFeatureCatalog.Noun(c.Feature);
            if (value is null)
            {
                unknown.Add(new IcpUnknownValue(c.Feature, raw ?? "", char.ToUpperInvariant(noun[0]) + noun[1..] + " not given"));
            }
            else if (!c.Values.Contains(value, StringComparer.Ordinal))
            {
                unknown.Add(new IcpUnknownValue(c.Feature, value, $"Unknown {noun} '{value}'"));
            }
        }

        foreach (var feature in Manifest.Fit.Encoding.Numerics.Select(n => n.Feature).Where(IcpFeatureCatalog.IsColumn))
        {
            if (double.IsNaN(IcpFeatureCatalog.LogValue(IcpFeatureCatalog.FirmographicNumeric(feature)(row))))
            {
                var noun = IcpFeatureCatalog.Noun(feature);
                unknown.Add(new IcpUnknownValue(feature, "", char.ToUpperInvariant(noun[0]) + noun[1..] + " not given"));
            }
        }

        return unknown;
    }

    /// <summary>Scores one account.</summary>
    public AccountScore Score(AccountFeatureRow row) => ScoreBatch([row])[0];

    /// <summary>Scores accounts, in input order.</summary>
    public IReadOnlyList<AccountScore> ScoreBatch(IReadOnlyList<AccountFeatureRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return [];
        }

        var fit = Manifest.Fit;
        var small = rows.Count < SmallBatch;
        var fitVectors = rows.Select(r => IcpEncoding.Encode(fit.Encoding, r)).ToArray();
        float[]? probabilities = _fit switch
        {
            null => null,
            { } trained when small => [.. fitVectors.Select(v => trained.Engines.Predict(new IcpVectorRow { Features = v }).Probability)],
            { } trained => IcpVectorData.PredictProbabilities(_ml, trained.Model, fitVectors, fit.Encoding.Length),
        };

        var behaviourIndex = rows.Select(r => IcpEncoding.BehaviourIndex(Manifest.Behaviour, r)).ToArray();
        var segmentVectors = new float[rows.Count][];
        for (var i = 0; i < rows.Count; i++)
        {
            segmentVectors[i] = SegmentVector(rows[i], behaviourIndex[i]);
        }

        var clusters = small
            ? [.. segmentVectors.Select(v => _segmentEngines.Predict(new IcpVectorRow { Features = v }).PredictedLabel)]
            : IcpVectorData.PredictClusters(_ml, _segmentModel, segmentVectors, SegmentVectorLength);

        var scores = new AccountScore[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var probability = probabilities is null ? fit.BaseRate : probabilities[i];
            var fitScore = IcpEncoding.FitScore(fit, probability);
            var tier = fit.Trained ? Manifest.Thresholds.TierOf(fitScore) : fit.NeutralTier;
            var cluster = (int)clusters[i];
            var segmentId = cluster >= 1 && cluster <= Manifest.Segments.ClusterToSegment.Count ? Manifest.Segments.ClusterToSegment[cluster - 1] : 0;
            var segmentName = _profiles.TryGetValue(segmentId, out var profile) ? profile.Name : "Unassigned";
            scores[i] = new AccountScore(
                rows[i].AccountId,
                fitScore,
                probability,
                tier,
                segmentId,
                segmentName,
                IcpEncoding.PercentileOf(Manifest.Behaviour.Quantiles, behaviourIndex[i]),
                IcpEncoding.Reasons(fit, rows[i], fitVectors[i]));
        }

        return scores;
    }

    /// <summary>Releases the pooled prediction engines; the scorer must not be used afterwards.</summary>
    public void Dispose()
    {
        _fit?.Engines.Dispose();
        _segmentEngines.Dispose();
    }

    private float[] SegmentVector(AccountFeatureRow row, double behaviourIndex) =>
        SegmentVector(Manifest.Segments.Encoding, Manifest.Behaviour.IndexStd, row, behaviourIndex);

    /// <summary>Segment encoding of the firmographics, then the behaviour index in units of its std.</summary>
    internal static float[] SegmentVector(IcpVectorEncoding encoding, double behaviourIndexStd, AccountFeatureRow row, double behaviourIndex)
    {
        var v = IcpEncoding.Encode(encoding, row, extraSlots: 1);
        v[^1] = behaviourIndexStd > 1e-12 ? (float)(behaviourIndex / behaviourIndexStd) : 0f;
        return v;
    }
}
