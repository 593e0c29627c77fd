using BenchmarkDotNet.Attributes;
using GtmMart.Scoring.Features;
using GtmMart.Scoring.Opportunity;
using Microsoft.ML;

namespace GtmMart.Bench.Scoring;

/// <summary>
/// Per-row opportunity scoring, one row a call, cycling through every served row. The baseline is the scorer as the
/// server runs it (featurized in process by <see cref="OpportunityFeaturizer"/>, then the model head, reasons per
/// feature family against the typical deal, and calibration); beside it the same model without its typical deal (so
/// without reasons: what the reasons cost), and the same scorer with ML.NET's featurizer (pooled row mappers,
/// what the in-process featurizer replaced).
/// The rows and the model come from <see cref="Input"/>, set by <see cref="ScoringBenchCommand"/> (in-process runs).
/// </summary>
[MemoryDiagnoser]
public class OpportunityScoringBenchmarks
{
    private OpportunityScorer inProcess = null!;
    private OpportunityScorer withoutReasons = null!;
    private OpportunityScorer mlNetFeaturizer = null!;
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
        withoutReasons = OpportunityScorer.Create(model, metadata! with { TypicalDeal = null });
        mlNetFeaturizer = OpportunityScorer.WithMlNetFeaturizer(model, metadata);
        if (!inProcess.FeaturizesInProcess || mlNetFeaturizer.FeaturizesInProcess || !inProcess.GivesReasons || withoutReasons.GivesReasons)
        {
            throw new InvalidOperationException("the scorers do not featurize or give reasons as compared (in process / ML.NET, with / without reasons)");
        }

        rows = input;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        inProcess.Dispose();
        withoutReasons.Dispose();
        mlNetFeaturizer.Dispose();
    }

    private OpportunityFeatureRow Next() => rows[(int)((uint)++next % (uint)rows.Count)];

    /// <summary>The scorer as served: the in-process featurizer, then the model head, reasons and calibration.</summary>
    [Benchmark(Baseline = true)]
    public double InProcessFeaturizerWithReasons() => inProcess.Score(Next()).Probability;

    /// <summary>The same model without its typical deal: featurizer, model head and calibration, no reasons.</summary>
    [Benchmark]
    public double InProcessFeaturizerWithoutReasons() => withoutReasons.Score(Next()).Probability;

    /// <summary>The scorer with ML.NET's featurizer (pooled prediction engines), then the model head, reasons and calibration.</summary>
    [Benchmark]
    public double MlNetFeaturizerWithReasons() => mlNetFeaturizer.Score(Next()).Probability;
}
