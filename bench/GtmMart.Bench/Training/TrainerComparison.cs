using System.Diagnostics;
using GtmMart.Scoring.Features;
using GtmMart.Scoring.Opportunity;
using GtmMart.Training.Evaluation;
using GtmMart.Training.Opportunity;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace GtmMart.Bench.Training;

/// <summary>One booster's fit time (wall clock and this process's CPU time) and holdout AUC in <see cref="TrainerComparison.Run"/>.</summary>
public sealed record TrainerTiming(string Trainer, TimeSpan Train, double TrainCpuSeconds, double HoldoutAuc);

/// <summary>
/// The comparison's data: the training part and holdout featurized once (label and feature vector, cached), the
/// holdout's labels, the row and slot counts, the features used and the time featurizing took.
/// </summary>
public sealed record FeaturizedSplit(
    IDataView Train, IDataView Holdout, IReadOnlyList<bool> HoldoutLabels, int TrainRows, int HoldoutRows, int Slots, IReadOnlyList<string> Features, TimeSpan Featurize);

/// <summary>FastTree and LightGBM fitted on the same featurized training split and scored on the same holdout.</summary>
public sealed record TrainerComparisonResult(
    int TrainRows,
    int HoldoutRows,
    int FeatureSlots,
    IReadOnlyList<string> Features,
    BoostingSettings Settings,
    int Threads,
    TimeSpan Featurize,
    TrainerTiming FastTree,
    TrainerTiming LightGbm)
{
    /// <summary>How many times longer FastTree takes to fit than LightGBM (same run, same data).</summary>
    public double FastTreeOverLightGbm => FastTree.Train.TotalSeconds / LightGbm.Train.TotalSeconds;
}

/// <summary>
/// Side-by-side fit of ML.NET's FastTree and LightGBM, each built by the product's trainer factory
/// (<see cref="OpportunityFits.Trainer"/>) with the same trees/iterations, leaves, minimum examples per leaf, learning
/// rate, feature fraction and seed. The rows are split like <see cref="OpportunityModelTrainer"/> does (closed rows, newest
/// <c>HoldoutFraction</c> by created date held out) and featurized once with its featurizer; both boosters then read
/// the same cached feature vectors, so the timings cover the boosters alone.
/// </summary>
public static class TrainerComparison
{
    /// <summary>Features never compared: <c>amount_usd</c> is 0 for every Closed Lost row, so it leaks the label.</summary>
    public static IReadOnlyList<string> Excluded { get; } = ["amount_usd"];

    public static TrainerComparisonResult Run(
        IReadOnlyList<OpportunityFeatureRow> rows, OpportunityTrainingOptions options, int threads = 1, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var split = Featurize(rows, options, progress);
        var ml = new MLContext(options.Seed);

        // The product's trainer factory, so both boosters run with the product's settings (seed, feature fraction,
        // leaves, examples per leaf, learning rate, L2), without early stopping so both fit the same number of trees.
        var s = options.Boosting;
        progress?.Report($"FastTree: {s.NumberOfTrees} trees, {s.NumberOfLeaves} leaves, {threads} thread(s)");
        var fastTree = Fit("FastTree", split, OpportunityFits.Trainer(ml, OpportunityModelMetadata.FastTree, options, threads, earlyStopping: false));
        progress?.Report($"FastTree fitted in {fastTree.Train.TotalSeconds:0.0}s, holdout AUC {fastTree.HoldoutAuc:0.0000}");

        progress?.Report($"LightGBM: {s.NumberOfTrees} iterations, {s.NumberOfLeaves} leaves, {threads} thread(s)");
        var lightGbm = Fit("LightGBM", split, OpportunityFits.Trainer(ml, OpportunityModelMetadata.LightGbm, options, threads, earlyStopping: false));
        progress?.Report($"LightGBM fitted in {lightGbm.Train.TotalSeconds:0.0}s, holdout AUC {lightGbm.HoldoutAuc:0.0000}");

        return new TrainerComparisonResult(
            split.TrainRows, split.HoldoutRows, split.Slots, split.Features, s, threads, split.Featurize, fastTree, lightGbm);
    }

    /// <summary>
    /// The closed rows split like <see cref="OpportunityModelTrainer"/> does (newest <c>HoldoutFraction</c> by created
    /// date held out) and featurized once with its featurizer, label and feature vector cached in memory.
    /// </summary>
    public static FeaturizedSplit Featurize(IReadOnlyList<OpportunityFeatureRow> rows, OpportunityTrainingOptions options, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        var closed = rows.Where(r => r.IsClosed)
            .OrderBy(r => r.CreatedDate).ThenBy(r => r.OpportunityId, StringComparer.Ordinal).ToList();
        var holdoutCount = (int)Math.Round(closed.Count * options.HoldoutFraction);
        var train = closed.Take(closed.Count - holdoutCount).ToList();
        var holdout = closed.Skip(closed.Count - holdoutCount).ToList();
        if (train.Count == 0 || holdout.Count == 0)
        {
            throw new InvalidOperationException($"Cannot compare trainers: {train.Count} training and {holdout.Count} holdout rows.");
        }

        var categorical = options.CategoricalFeatures.Except(Excluded, StringComparer.Ordinal).ToList();
        var numeric = options.NumericFeatures.Except(Excluded, StringComparer.Ordinal).ToList();
        var catalog = train[0].Catalog;
        var missing = numeric.Where(f => train.Any(r => float.IsNaN(r.Numbers[catalog.IndexOf(f)]))).ToList();
        var spec = new FeatureSpec(catalog, categorical, numeric, missing);

        var ml = new MLContext(options.Seed);
        progress?.Report($"featurizing {train.Count:N0} training and {holdout.Count:N0} holdout rows ({categorical.Count} categorical, {numeric.Count} numeric features)");
        var watch = Stopwatch.StartNew();
        var featurizer = OpportunityModelTrainer.Featurizer(ml, spec).Fit(OpportunityDataView.Create(catalog, train));
        var trainData = Materialize(ml, featurizer.Transform(OpportunityDataView.Create(catalog, train)));
        var holdoutData = Materialize(ml, featurizer.Transform(OpportunityDataView.Create(catalog, holdout)));
        var featurize = watch.Elapsed;
        var slots = (trainData.Schema[OpportunityFeatureColumns.Features].Type as VectorDataViewType)?.Size ?? 0;
        return new FeaturizedSplit(trainData, holdoutData, [.. holdout.Select(r => r.Label)], train.Count, holdout.Count, slots, [.. categorical, .. numeric], featurize);
    }

    /// <summary>Fits <paramref name="trainer"/> on the split's training part, timed, and scores its holdout.</summary>
    public static TrainerTiming Fit<TModel>(string name, FeaturizedSplit split, IEstimator<TModel> trainer)
        where TModel : ITransformer
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(trainer);
        var cpu = ChildRun.OwnCpuSeconds();
        var watch = Stopwatch.StartNew();
        // On a thread-pool thread, as gtm train fits: single-threaded FastTree runs each step as Task.Run(step).Wait(),
        // inline on a pool thread, handed over and waited for on any other (OpportunityFits.CrossValidate).
        var model = Task.Run(() => trainer.Fit(split.Train)).GetAwaiter().GetResult();
        var elapsed = watch.Elapsed;
        cpu = ChildRun.OwnCpuSeconds() - cpu;
        var p = model.Transform(split.Holdout).GetColumn<float>(OpportunityFeatureColumns.Probability).ToArray();
        var auc = BinaryMetrics.Compute(p.Select((x, i) => (x, split.HoldoutLabels[i])).ToList()).Auc;
        return new TrainerTiming(name, elapsed, cpu, auc);
    }

    /// <summary>Keeps only label and feature vector, cached and filled by one full pass, so no fit pays for featurizing.</summary>
    private static IDataView Materialize(MLContext ml, IDataView data)
    {
        var cached = ml.Data.Cache(ml.Transforms.SelectColumns(OpportunityFeatureColumns.Label, OpportunityFeatureColumns.Features).Fit(data).Transform(data));
        using var cursor = cached.GetRowCursor(cached.Schema);
        var label = cursor.GetGetter<bool>(cached.Schema[OpportunityFeatureColumns.Label]);
        var features = cursor.GetGetter<VBuffer<float>>(cached.Schema[OpportunityFeatureColumns.Features]);
        bool y = default;
        VBuffer<float> x = default;
        while (cursor.MoveNext())
        {
            label(ref y);
            features(ref x);
        }

        return cached;
    }
}
