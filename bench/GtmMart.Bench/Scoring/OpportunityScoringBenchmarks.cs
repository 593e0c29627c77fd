using BenchmarkDotNet.Attributes;
using GtmMart.Scoring.Features;
using GtmMart.Scoring.Opportunity;
using Microsoft.ML;

namespace GtmMart.Bench.Scoring;

/// <summary>
/// Per-row opportunity scoring, one row a call, cycling through every served row: the scorer as the server runs it
/// (featurized in process by <see cref="OpportunityFeaturizer"/>, then the model head, reasons and calibration), the
/// same scorer with ML.NET's featurizer (pooled prediction engines; the baseline the in-process featurizer was written
/// to beat), and ML.NET's own prediction engine over the whole model, which gives the probability without reasons.
/// The rows and the model come from <see cref="Input"/>, set by <see cref="ScoringBenchCommand"/> (in-process runs).
/// </summary>
[MemoryDiagnoser]
public class OpportunityScoringBenchmarks
{
    private OpportunityScorer inProcess = null!;
    private OpportunityScorer mlNetFeaturizer = null!;
    private PredictionEngine<OpportunityFeatureRow, Prediction> engine = null!;
    private IReadOnlyList<OpportunityFeatureRow> rows = [];
    private int next = -1;

    /// <summary>The model zip and the feature rows to score; set before BenchmarkDotNet runs the class.</summary>
    internal static (string ModelZip, IReadOnlyList<OpportunityFeatureRow> Rows)? Input { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (zip, input) = Input ?? throw new InvalidOperationException("no input: run through `scoring`, which prepares the mart and the model");
        var ml = new MLContext(seed: 0);
        var (model, _, metadata) = OpportunityModelFile.Load(ml, zip);
        inProcess = OpportunityScorer.Create(model, metadata);
        mlNetFeaturizer = OpportunityScorer.WithMlNetFeaturizer(model, metadata);
        if (!inProcess.FeaturizesInProcess || mlNetFeaturizer.FeaturizesInProcess)
        {
            throw new InvalidOperationException("the two scorers do not featurize as compared (in process / ML.NET)");
        }

        engine = ml.Model.CreatePredictionEngine<OpportunityFeatureRow, Prediction>(model);
        rows = input;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        inProcess.Dispose();
        mlNetFeaturizer.Dispose();
        engine.Dispose();
    }

    private OpportunityFeatureRow Next() => rows[(int)((uint)++next % (uint)rows.Count)];

    /// <summary>The scorer with ML.NET's featurizer (pooled prediction engines), then the model head, reasons and calibration.</summary>
    [Benchmark(Baseline = true)]
    public double MlNetFeaturizerWithReasons() => mlNetFeaturizer.Score(Next()).Probability;

    /// <summary>The scorer as served: the in-process featurizer, then the model head, reasons and calibration.</summary>
    [Benchmark]
    public double InProcessFeaturizerWithReasons() => inProcess.Score(Next()).Probability;

    /// <summary>ML.NET's prediction engine over the whole model: the calibrated probability, no reasons.</summary>
    [Benchmark]
    public double MlNetEngineProbabilityOnly() => engine.Predict(Next()).Probability;

    /// <summary>The calibrated probability column of the model's output.</summary>
    public sealed class Prediction
    {
        public float Probability { get; set; }
    }
}
