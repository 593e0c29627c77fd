using System.Collections.Concurrent;
using System.Globalization;
using GtmMart.Scoring.Features;
using GtmMart.Scoring.Opportunity;
using GtmMart.Training.Evaluation;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace GtmMart.Training.Opportunity;

/// <summary>
/// One algorithm's cross-validation: fold metrics, the model fitted on the whole training part, out-of-fold scores,
/// and the model refitted on all closed rows (null when not asked for).
/// </summary>
internal sealed record CrossValidated(
    CrossValidationMetrics Metrics, TransformerChain<ITransformer> TrainModel, List<ScoreLabel> OutOfFold, TransformerChain<ITransformer>? RefitModel);

/// <summary>
/// The opportunity model's fits. Each fit gets its own <see cref="MLContext"/> seeded with the options' seed, so a fit's
/// result depends only on its rows and options, never on which thread runs it or what runs beside it. The booster
/// (LightGBM by default, or FastTree) stops early: a stratified, seeded share of the fit's rows
/// (<see cref="BoostingSettings.EarlyStoppingFraction"/>) is its validation split; LightGBM adds trees until its log loss
/// has not improved for <see cref="BoostingSettings.EarlyStoppingRounds"/> trees, FastTree until its loss has grown
/// <see cref="BoostingSettings.EarlyStoppingLossIncrease"/> percent over the best seen, and the ensemble is cut back to
/// the best prefix; a small fit holds out a larger share (<see cref="ValidationFraction"/>) and is then refitted on all its
/// rows with the number of trees found.
/// </summary>
internal static class OpportunityFits
{
    /// <summary>Threads training may use: the option, or all cores when it is 0.</summary>
    public static int Threads(OpportunityTrainingOptions options) => options.Threads > 0 ? options.Threads : Environment.ProcessorCount;

    /// <summary>
    /// Fits run at once in cross-validation: up to <see cref="Threads"/>, fewer when the memory the runtime may still
    /// take would not hold that many fits of <paramref name="rows"/> rows (estimated at 64 bytes per row and feature:
    /// the row view, the featurized vector, FastTree's bins and the validation copy).
    /// </summary>
    public static int Parallelism(OpportunityTrainingOptions options, int rows, int features)
    {
        var threads = Threads(options);
        var perFit = Math.Max(1L, (long)rows * Math.Max(1, features) * 64);
        var info = GC.GetGCMemoryInfo();
        var free = Math.Max(0L, info.TotalAvailableMemoryBytes - info.MemoryLoadBytes);
        return (int)Math.Clamp(free / 2 / perFit, 1, threads);
    }

    /// <summary>
    /// The validation split early stopping aims for: on fewer rows its loss is too noisy to stop on (a 2,000-row fit
    /// stopped after a handful of trees), so a small fit holds out a larger share, up to <see cref="MaximumValidationFraction"/>.
    /// </summary>
    public const int MinimumValidationRows = 500;

    /// <summary>The largest share of a small fit's rows held out for early stopping.</summary>
    public const double MaximumValidationFraction = 0.25;

    /// <summary>
    /// Share of a fit of <paramref name="rows"/> rows held out for early stopping: <see cref="BoostingSettings.EarlyStoppingFraction"/>,
    /// raised towards <see cref="MinimumValidationRows"/> rows but not above <see cref="MaximumValidationFraction"/>; 0 when off.
    /// </summary>
    public static double ValidationFraction(BoostingSettings s, int rows) =>
        s.EarlyStoppingFraction <= 0 || rows == 0 ? 0 : Math.Clamp((double)MinimumValidationRows / rows, s.EarlyStoppingFraction, Math.Max(s.EarlyStoppingFraction, MaximumValidationFraction));

    private const int Refit = -2;
    private const int WholeTrainingPart = -1;

    /// <summary>
    /// Cross-validates each of <paramref name="algorithms"/> on <paramref name="train"/> (folds <paramref name="foldOf"/>),
    /// fits each on all of <paramref name="train"/> and, when <paramref name="refitRows"/> is given, on those (the final
    /// model, whichever algorithm is chosen afterwards): all those fits run as one batch, up to
    /// <see cref="Parallelism"/> at a time, each single-threaded, so every figure and model is the same whatever the
    /// number of threads.
    /// </summary>
    public static IReadOnlyDictionary<string, CrossValidated> CrossValidate(
        FeatureSpec spec, OpportunityTrainingOptions options, IReadOnlyList<string> algorithms, List<OpportunityFeatureRow> train, int[] foldOf,
        IReadOnlyList<OpportunityFeatureRow>? refitRows, IProgress<string>? progress)
    {
        // Slowest first (each algorithm's refit, its fit on the whole training part, then its folds), taken in that order.
        var parts = algorithms
            .SelectMany(a => Enumerable.Range(refitRows is null ? WholeTrainingPart : Refit, options.Folds + (refitRows is null ? 1 : 2)).Select(k => (Algorithm: a, Fold: k)))
            .ToList();
        var parallelism = Parallelism(options, train.Count, spec.Categorical.Count + spec.Numeric.Count);
        progress?.Report(string.Create(CultureInfo.InvariantCulture,
            $"cross-validating {string.Join(" and ", algorithms.Select(Name))} on {train.Count} rows: {options.Folds} folds, a fit on the whole training part{(refitRows is null ? "" : $" and a refit on all {refitRows.Count} closed rows")} each, {parallelism} fits at a time"));
        // Each fold's fit and test rows, split once for every algorithm's fits and for the metrics after them.
        var folds = Enumerable.Range(0, options.Folds)
            .Select(f => (Fit: train.Where((_, r) => foldOf[r] != f).ToList(), Test: train.Where((_, r) => foldOf[r] == f).ToList()))
            .ToArray();
        var results = new (TransformerChain<ITransformer> Model, float[] Probability, float[] Score)[parts.Count];
        using (var tracker = new StepTracker(progress, "cross-validation", parts.Count))
        {
            var order = Partitioner.Create(Enumerable.Range(0, parts.Count), EnumerablePartitionerOptions.NoBuffering);
            // On thread-pool threads only (not this caller's): single-threaded FastTree runs each of its steps as
            // Task.Run(step).Wait(), which a pool thread runs inline but any other thread hands to the pool and waits
            // for (100k rows, 500 trees: 3.0 against 4.3 CPU s, and 2-3x the wall time on a loaded machine).
            Task.Run(() => Parallel.ForEach(order, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, i =>
            {
                var (algorithm, fold) = parts[i];
                var fitRows = fold == Refit ? refitRows! : fold == WholeTrainingPart ? train : folds[fold].Fit;
                var testRows = fold == Refit ? [] : fold == WholeTrainingPart ? train : folds[fold].Test;
                var name = fold switch
                {
                    Refit => $"{Name(algorithm)} refit on all closed rows",
                    WholeTrainingPart => $"{Name(algorithm)} on the training part",
                    _ => $"{Name(algorithm)} fold {fold + 1}/{options.Folds}",
                };
                results[i] = tracker.Run(name, () =>
                {
                    var model = Fit(spec, options, algorithm, fitRows, threads: 1);
                    if (testRows.Count == 0)
                    {
                        return (model, Array.Empty<float>(), Array.Empty<float>());
                    }

                    var scored = model.Transform(OpportunityDataView.Create(spec.Catalog, testRows));
                    return (model, scored.GetColumn<float>(OpportunityFeatureColumns.Probability).ToArray(), scored.GetColumn<float>("Score").ToArray());
                }, r => TreesKept(r.model) is { } kept ? $"{kept.Trees} trees of {kept.Leaves} leaves kept" : null);
            })).GetAwaiter().GetResult();
        }

        var byAlgorithm = new Dictionary<string, CrossValidated>(StringComparer.Ordinal);
        foreach (var algorithm in algorithms)
        {
            var auc = new List<double>();
            var prAuc = new List<double>();
            var logLoss = new List<double>();
            var outOfFold = new List<ScoreLabel>();
            TransformerChain<ITransformer>? full = null;
            TransformerChain<ITransformer>? refit = null;
            var trainAuc = double.NaN;
            for (var i = 0; i < parts.Count; i++)
            {
                if (parts[i].Algorithm != algorithm)
                {
                    continue;
                }

                var (model, p, score) = results[i];
                var fold = parts[i].Fold;
                if (fold == Refit)
                {
                    refit = model;
                    continue;
                }

                if (fold == WholeTrainingPart)
                {
                    full = model;
                    trainAuc = BinaryMetrics.Auc([.. p.Select(x => (double)x)], [.. train.Select(r => r.Label)]);
                    continue;
                }

                var testRows = folds[fold].Test;
                outOfFold.AddRange(score.Select((s, j) => new ScoreLabel { Score = s, Label = testRows[j].Label }));
                var m = BinaryMetrics.Compute(testRows.Select((r, j) => (p[j], r.Label)).ToList());
                auc.Add(m.Auc);
                prAuc.Add(m.PrAuc);
                logLoss.Add(m.LogLoss);
            }

            byAlgorithm[algorithm] = new CrossValidated(
                new CrossValidationMetrics(algorithm, MetricInterval.From(auc), MetricInterval.From(prAuc), MetricInterval.From(logLoss), trainAuc),
                full!,
                outOfFold,
                refit);
        }

        return byAlgorithm;
    }

    /// <summary>The boosted algorithm cross-validated: a forced booster, else <see cref="BoostingSettings.Booster"/>.</summary>
    public static string Booster(OpportunityTrainingOptions options) =>
        OpportunityModelMetadata.IsBoosted(options.Algorithm) ? options.Algorithm : options.Boosting.Booster;

    /// <summary>
    /// Featurizer and trainer fitted on <paramref name="rows"/>, with <paramref name="threads"/> trainer threads.
    /// A booster with early stopping fits the featurizer and the trees on the rows outside its validation split; a small
    /// fit is then refitted on all its rows with the number of trees found (see <see cref="ValidationFraction"/>).
    /// </summary>
    public static TransformerChain<ITransformer> Fit(
        FeatureSpec spec, OpportunityTrainingOptions options, string algorithm, IReadOnlyList<OpportunityFeatureRow> rows, int threads)
    {
        var ml = new MLContext(options.Seed);
        var featurizer = OpportunityModelTrainer.Featurizer(ml, spec);

        // A leaf minimum above a quarter of the fit's rows would forbid every split (LightGBM then has no tree to return).
        if (options.Boosting.MinimumExampleCountPerLeaf > rows.Count / 4)
        {
            options = options with { Boosting = options.Boosting with { MinimumExampleCountPerLeaf = Math.Max(1, rows.Count / 4) } };
        }

        var s = options.Boosting;
        var fraction = ValidationFraction(s, rows.Count);
        if (!OpportunityModelMetadata.IsBoosted(algorithm) || fraction <= 0)
        {
            return FitFeaturized(ml, featurizer, spec, rows, Trainer(ml, algorithm, options, threads, earlyStopping: false));
        }

        var validationFold = Folds.Assign([.. rows.Select(r => r.Label)], Math.Max(2, (int)Math.Round(1 / fraction)), options.Seed + 1);
        var fitRows = rows.Where((_, i) => validationFold[i] != 0).ToList();
        var validationRows = rows.Where((_, i) => validationFold[i] == 0).ToList();
        var fitted = featurizer.Fit(OpportunityDataView.Create(spec.Catalog, fitRows));
        var train = Featurized(ml, fitted, spec, fitRows);
        var validation = Featurized(ml, fitted, spec, validationRows);
        ITransformer trees = Trainer(ml, algorithm, options, threads, earlyStopping: true) switch
        {
            FastTreeBinaryTrainer fastTree => fastTree.Fit(train, validation),
            LightGbmBinaryTrainer lightGbm => lightGbm.Fit(train, validation),
            var other => throw new InvalidOperationException($"{other.GetType().Name} is not a booster."),
        };

        // A small fit held out more than its usual share: refit on all its rows with the number of trees found, scaled
        // to the larger sample, so the validation split costs it no data.
        if (fraction > s.EarlyStoppingFraction && TreesOf(trees) is { } kept)
        {
            var refit = options with { Boosting = s with { NumberOfTrees = Math.Max(1, (int)Math.Round(kept.Trees / (1 - fraction))) } };
            return FitFeaturized(ml, featurizer, spec, rows, Trainer(ml, algorithm, refit, threads, earlyStopping: false));
        }

        return new TransformerChain<ITransformer>(fitted, trees);
    }

    /// <summary>The featurizer fitted on <paramref name="rows"/>, then <paramref name="trainer"/> fitted on its cached output.</summary>
    private static TransformerChain<ITransformer> FitFeaturized(
        MLContext ml, IEstimator<ITransformer> featurizer, FeatureSpec spec, IReadOnlyList<OpportunityFeatureRow> rows, IEstimator<ITransformer> trainer)
    {
        var fitted = featurizer.Fit(OpportunityDataView.Create(spec.Catalog, rows));
        return new TransformerChain<ITransformer>(fitted, trainer.Fit(Featurized(ml, fitted, spec, rows)));
    }

    /// <summary>
    /// <paramref name="rows"/> through the fitted featurizer, label and feature vector only, cached in memory on the first
    /// pass: a trainer reads its data many times (L-BFGS once per function evaluation, hundreds of times; the boosters
    /// to bin and to build their datasets), and without the cache every pass featurized every row again.
    /// The rows and their order are the same as without it, so the model is the same.
    /// </summary>
    private static IDataView Featurized(MLContext ml, ITransformer featurizer, FeatureSpec spec, IReadOnlyList<OpportunityFeatureRow> rows)
    {
        var featurized = featurizer.Transform(OpportunityDataView.Create(spec.Catalog, rows));
        return ml.Data.Cache(ml.Transforms.SelectColumns(OpportunityFeatureColumns.Label, OpportunityFeatureColumns.Features).Fit(featurized).Transform(featurized));
    }

    /// <summary>
    /// The trainer of <paramref name="algorithm"/> with the product's settings (<see cref="OpportunityTrainingOptions.Boosting"/>,
    /// <see cref="OpportunityTrainingOptions.LogisticRegression"/>); with <paramref name="earlyStopping"/> a booster expects
    /// a validation set and keeps its best prefix of trees.
    /// </summary>
    public static IEstimator<ITransformer> Trainer(MLContext ml, string algorithm, OpportunityTrainingOptions options, int threads, bool earlyStopping)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(options);
        var s = options.Boosting;
        switch (algorithm)
        {
            case OpportunityModelMetadata.LightGbm:
                return ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
                {
                    LabelColumnName = OpportunityFeatureColumns.Label,
                    FeatureColumnName = OpportunityFeatureColumns.Features,
                    NumberOfIterations = s.NumberOfTrees,
                    NumberOfLeaves = s.NumberOfLeaves,
                    MinimumExampleCountPerLeaf = s.MinimumExampleCountPerLeaf,
                    LearningRate = s.LearningRate,
                    Booster = new GradientBooster.Options { L2Regularization = s.L2Regularization, FeatureFraction = s.FeatureFraction },
                    EarlyStoppingRound = earlyStopping ? s.EarlyStoppingRounds : 0,
                    EvaluationMetric = LightGbmBinaryTrainer.Options.EvaluateMetricType.Logloss,
                    NumberOfThreads = threads,
                    Seed = options.Seed,
                    Deterministic = true,
                    Silent = true,
                });
            case OpportunityModelMetadata.FastTree:
                return ml.BinaryClassification.Trainers.FastTree(FastTreeOptions(options, threads, earlyStopping));
            default:
                return ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
                {
                    LabelColumnName = OpportunityFeatureColumns.Label,
                    FeatureColumnName = OpportunityFeatureColumns.Features,
                    L1Regularization = options.LogisticRegression.L1Regularization,
                    L2Regularization = options.LogisticRegression.L2Regularization,
                    OptimizationTolerance = 1e-5f,
                    MaximumNumberOfIterations = 300,
                    NumberOfThreads = threads,
                });
        }
    }

    /// <summary>
    /// FastTree's options with the product's settings (<see cref="Trainer"/> builds FastTree from them; the booster
    /// benchmark varies them one at a time).
    /// </summary>
    public static FastTreeBinaryTrainer.Options FastTreeOptions(OpportunityTrainingOptions options, int threads, bool earlyStopping)
    {
        ArgumentNullException.ThrowIfNull(options);
        var s = options.Boosting;
        var o = new FastTreeBinaryTrainer.Options
        {
            LabelColumnName = OpportunityFeatureColumns.Label,
            FeatureColumnName = OpportunityFeatureColumns.Features,
            NumberOfTrees = s.NumberOfTrees,
            NumberOfLeaves = s.NumberOfLeaves,
            MinimumExampleCountPerLeaf = s.MinimumExampleCountPerLeaf,
            LearningRate = s.LearningRate,
            FeatureFraction = s.FastTreeFeatureFraction,
            NumberOfThreads = threads,
            Seed = options.Seed,
        };
        if (earlyStopping)
        {
            o.EarlyStoppingRule = new GeneralityLossRule((float)s.EarlyStoppingLossIncrease);
            o.EnablePruning = true;
        }

        return o;
    }

    /// <summary>The number of trees and leaves per tree a boosted model kept, or null for another model.</summary>
    public static (int Trees, int Leaves)? TreesKept(TransformerChain<ITransformer> model) => TreesOf(model.LastTransformer);

    private static (int Trees, int Leaves)? TreesOf(ITransformer predictor)
    {
        var ensemble = predictor switch
        {
            ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>> t => t.Model.SubModel.TrainedTreeEnsemble,
            ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<LightGbmBinaryModelParameters, PlattCalibrator>> t => t.Model.SubModel.TrainedTreeEnsemble,
            _ => null,
        };
        return ensemble is null ? null : (ensemble.Trees.Count, ensemble.Trees.Count == 0 ? 0 : ensemble.Trees.Max(t => t.NumberOfLeaves));
    }

    public static string Name(string algorithm) => algorithm switch
    {
        OpportunityModelMetadata.LightGbm => "LightGBM",
        OpportunityModelMetadata.FastTree => "FastTree",
        _ => "logistic regression",
    };
}
