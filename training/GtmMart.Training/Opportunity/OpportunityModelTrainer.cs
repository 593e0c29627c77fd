using System.Globalization;
using GtmMart.Scoring.Features;
using GtmMart.Scoring.Opportunity;
using GtmMart.Training.Evaluation;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms;

namespace GtmMart.Training.Opportunity;

/// <summary>
/// Trains the opportunity win model. Steps (each reported through <c>progress</c>):
/// closed rows → class-balance warnings → time split (newest <see cref="OpportunityTrainingOptions.HoldoutFraction"/> held out)
/// → drop constant / all-missing features → leakage scan → featurize → cross-validate the booster (LightGBM by default) and a regularized
/// logistic regression on the training part → choose → evaluate on the holdout → refit on all closed rows.
/// Deterministic: same rows, options and seed give identical metrics and models whatever the number of threads: every
/// fit (folds, training part, refits of both algorithms) runs single-threaded with its own seeded context, several at
/// a time (<see cref="OpportunityFits"/>); folds are seeded.
/// </summary>
public static class OpportunityModelTrainer
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static OpportunityTrainingResult Train(
        IReadOnlyList<OpportunityFeatureRow> rows, OpportunityTrainingOptions options, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        var catalog = rows.Count > 0 ? rows[0].Catalog : OpportunityFeatureCatalog.Default;
        Validate(options, catalog);
        var warnings = new List<string>();

        // 1. Closed rows only, oldest first (ties by id so the split is deterministic).
        var closed = rows.Where(r => r.IsClosed)
            .OrderBy(r => r.CreatedDate).ThenBy(r => r.OpportunityId, StringComparer.Ordinal).ToList();
        var won = closed.Count(r => r.Label);
        var lost = closed.Count - won;
        progress?.Report($"{closed.Count} closed opportunities ({won} won, {lost} lost); {rows.Count - closed.Count} open ignored");

        // 2. Time-based split: the newest rows are the holdout.
        var holdoutCount = (int)Math.Round(closed.Count * options.HoldoutFraction);
        var train = closed.Take(closed.Count - holdoutCount).ToList();
        var holdout = closed.Skip(closed.Count - holdoutCount).ToList();
        var trainWon = train.Count(r => r.Label);
        if (trainWon < options.Folds || train.Count - trainWon < options.Folds)
        {
            throw new TrainingDataException(string.Create(Inv,
                $"cannot train opportunity scoring: {won} won and {lost} lost closed opportunities ({trainWon} won and {train.Count - trainWon} lost in the training part, the oldest {1 - options.HoldoutFraction:P0}); {options.Folds}-fold cross-validation needs at least {options.Folds} of each there, and the promotion gate at least {options.Gate.MinimumPerClass} of each").Replace(" %", "%", StringComparison.Ordinal));
        }

        if (trainWon < options.Gate.GoodPerClass || train.Count - trainWon < options.Gate.GoodPerClass)
        {
            warnings.Add(string.Create(Inv,
                $"Few examples: the training part has {trainWon} won and {train.Count - trainWon} lost opportunities (fewer than {options.Gate.GoodPerClass} in a class); metrics are noisy and the model may overfit."));
        }

        if (holdout.Count == 0 || holdout.All(r => r.Label) || holdout.All(r => !r.Label))
        {
            warnings.Add("The holdout has a single class (or no rows): AUC and PR-AUC on it are undefined.");
        }

        // 3-4. Constant, all-missing and leaking features, measured on the training part.
        progress?.Report("screening features (constant, all missing, leakage)");
        var (numeric, droppedNumeric) = FeatureScreening.ScreenNumeric(train, catalog, options.NumericFeatures, options.LeakageAucThreshold);
        var (categorical, droppedCategorical) = FeatureScreening.ScreenCategorical(
            train, catalog, options.CategoricalFeatures, options.LeakageAucThreshold, options.Folds, options.Seed);
        var dropped = droppedCategorical.Concat(droppedNumeric).ToList();
        foreach (var d in dropped.Where(d => d.Reason == "leakage"))
        {
            warnings.Add(string.Create(Inv,
                $"Leakage: '{d.Feature}' alone has AUC {d.UnivariateAuc:0.000} on the training part (threshold {options.LeakageAucThreshold}); dropped."));
        }

        if (numeric.Count + categorical.Count == 0)
        {
            throw new TrainingDataException(
                $"cannot train opportunity scoring: no usable feature is left ({string.Join(", ", dropped.Select(d => $"{d.Feature} {d.Reason}"))})");
        }

        var missingIndicators = numeric.Where(f => train.Any(r => float.IsNaN(r.Numbers[catalog.IndexOf(f)]))).ToList();
        var spec = new FeatureSpec(catalog, categorical, numeric, missingIndicators);

        // 5-6. Cross-validate both algorithms on the training part, their fits spread over the cores.
        var foldOf = Folds.Assign(train.Select(r => r.Label).ToArray(), options.Folds, options.Seed);
        // On a small training part the booster grows stumps (an additive model) with a larger leaf minimum and a
        // smaller step, for the CV folds and the final refit alike, so CV measures the model that is shipped.
        var booster = OpportunityFits.Booster(options);
        var fits = train.Count < options.SmallDataRows && options.Boosting.SmallData is { } small
            ? options with { Boosting = small.Apply(options.Boosting) }
            : options;
        var cv = OpportunityFits.CrossValidate(
            spec, fits, [booster, OpportunityModelMetadata.LogisticRegression], train, foldOf,
            options.RefitOnAllClosedRows ? closed : null, progress);
        var (treeCv, treeModel, treeOutOfFold, _) = cv[booster];
        var (linearCv, linearModel, _, _) = cv[OpportunityModelMetadata.LogisticRegression];

        // 7. Choose.
        var (algorithm, reason) = Choose(booster, treeCv, linearCv, train.Count, options);
        progress?.Report($"chosen: {algorithm} ({reason})");

        // 8. Holdout evaluation of the chosen pipeline fitted on the training part.
        // A booster's built-in calibration comes from its own (in-sample, over-separated) training scores; with
        // OutOfFoldCalibration a Platt calibrator fitted on the cross-validation folds' out-of-fold scores is appended.
        var boosted = algorithm == booster;
        var recalibrate = boosted && options.OutOfFoldCalibration;
        var ml = new MLContext(options.Seed);
        var calibrator = recalibrate ? FitPlatt(ml, treeOutOfFold) : null;
        var trainModel = boosted ? WithCalibrator(treeModel, calibrator) : linearModel;
        var holdoutP = Predict(trainModel, spec, holdout);
        var holdoutPairs = holdout.Select((r, i) => (holdoutP[i], r.Label)).ToList();
        var holdoutMetrics = BinaryMetrics.Compute(holdoutPairs);
        progress?.Report(string.Create(Inv, $"holdout AUC {holdoutMetrics.Auc:0.0000}, log loss {holdoutMetrics.LogLoss:0.0000}, ECE {holdoutMetrics.Ece:0.0000}"));

        // 9. Final model.
        var finalRows = options.RefitOnAllClosedRows ? closed : train;
        var finalModel = options.RefitOnAllClosedRows ? WithCalibrator(cv[algorithm].RefitModel!, calibrator) : trainModel;
        var metadata = new OpportunityModelMetadata
        {
            Algorithm = algorithm,
            CategoricalFeatures = categorical,
            NumericFeatures = numeric,
            MissingIndicators = missingIndicators,
            TypicalDeal = TypicalDeal.Of(finalRows, catalog, numeric, categorical),
            TrainedOnThrough = finalRows[^1].CreatedDate,
            TrainingRows = finalRows.Count,
        };

        return new OpportunityTrainingResult
        {
            Model = finalModel,
            InputSchema = OpportunityDataView.Schema(catalog),
            Metadata = metadata,
            Algorithm = algorithm,
            AlgorithmReason = reason,
            Holdout = holdoutMetrics,
            HoldoutPredictions = holdout.Select((r, i) => new HoldoutPrediction(r.OpportunityId, holdoutP[i], r.Label)).ToList(),
            HoldoutRows = holdout,
            FittedRows = finalRows,
            CrossValidation = boosted ? treeCv : linearCv,
            BoostedCrossValidation = treeCv,
            LogisticRegressionCrossValidation = linearCv,
            Warnings = warnings,
            FeaturesUsed = [.. categorical, .. numeric],
            DroppedFeatures = dropped,
            Hyperparameters = Hyperparameters(algorithm, fits, train.Count < options.SmallDataRows, OpportunityFits.TreesKept(cv[algorithm].RefitModel ?? cv[algorithm].TrainModel)),
            Won = won,
            Lost = lost,
            OpenRowsIgnored = rows.Count - closed.Count,
            Train = Window(train),
            HoldoutWindow = Window(holdout),
            RefitOnAllClosedRows = options.RefitOnAllClosedRows,
            Catalog = catalog,
        };
    }

    /// <summary>The featurizer: one-hot categoricals, missing indicators, mean-replaced numerics, concatenated, binned to [0, 1].</summary>
    internal static IEstimator<ITransformer> Featurizer(MLContext ml, FeatureSpec spec)
    {
        IEstimator<ITransformer> pipeline = new EstimatorChain<ITransformer>();
        var concat = new List<string>();
        if (spec.Categorical.Count > 0)
        {
            pipeline = pipeline.Append(ml.Transforms.Categorical.OneHotEncoding(
                [.. spec.Categorical.Select(c => new InputOutputColumnPair(OpportunityFeatureColumns.CategoricalPrefix + c, c))],
                keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue));
            concat.AddRange(spec.Categorical.Select(c => OpportunityFeatureColumns.CategoricalPrefix + c));
        }

        if (spec.MissingIndicators.Count > 0)
        {
            pipeline = pipeline
                .Append(ml.Transforms.IndicateMissingValues(
                    [.. spec.MissingIndicators.Select(c => new InputOutputColumnPair(OpportunityFeatureColumns.MissingBoolPrefix + c, c))]))
                .Append(ml.Transforms.Conversion.ConvertType(
                    [.. spec.MissingIndicators.Select(c => new InputOutputColumnPair(OpportunityFeatureColumns.MissingPrefix + c, OpportunityFeatureColumns.MissingBoolPrefix + c))],
                    DataKind.Single));
        }

        if (spec.Numeric.Count > 0)
        {
            pipeline = pipeline.Append(ml.Transforms.ReplaceMissingValues(
                [.. spec.Numeric.Select(c => new InputOutputColumnPair(OpportunityFeatureColumns.NumericPrefix + c, c))],
                MissingValueReplacingEstimator.ReplacementMode.Mean));
            concat.AddRange(spec.Numeric.Select(c => OpportunityFeatureColumns.NumericPrefix + c));
        }

        concat.AddRange(spec.MissingIndicators.Select(c => OpportunityFeatureColumns.MissingPrefix + c));
        return pipeline
            .Append(ml.Transforms.Concatenate(OpportunityFeatureColumns.Features, [.. concat]))
            .Append(ml.Transforms.NormalizeBinning(OpportunityFeatureColumns.Features, maximumBinCount: 64));
    }

    private static CalibratorTransformer<PlattCalibrator> FitPlatt(MLContext ml, List<ScoreLabel> outOfFold) =>
        ml.BinaryClassification.Calibrators.Platt(labelColumnName: nameof(ScoreLabel.Label), scoreColumnName: nameof(ScoreLabel.Score))
            .Fit(ml.Data.LoadFromEnumerable(outOfFold));

    private static TransformerChain<ITransformer> WithCalibrator(TransformerChain<ITransformer> model, ITransformer? calibrator) =>
        calibrator is null ? model : new TransformerChain<ITransformer>([.. model, calibrator]);

    private static float[] Predict(TransformerChain<ITransformer> model, FeatureSpec spec, List<OpportunityFeatureRow> rows) =>
        rows.Count == 0 ? [] : [.. model.Transform(OpportunityDataView.Create(spec.Catalog, rows)).GetColumn<float>(OpportunityFeatureColumns.Probability)];

    private static (string Algorithm, string Reason) Choose(
        string booster, CrossValidationMetrics tree, CrossValidationMetrics linear, int trainRows, OpportunityTrainingOptions options)
    {
        var name = OpportunityFits.Name(booster);
        var gap = tree.TrainAuc - tree.Auc.Mean;
        if (options.Algorithm != "Auto")
        {
            return (options.Algorithm, string.Create(Inv,
                $"forced by options (CV AUC {name} {tree.Auc.Mean:0.0000}, logistic regression {linear.Auc.Mean:0.0000})"));
        }

        if (linear.Auc.Mean >= tree.Auc.Mean - options.LinearPreferenceTolerance)
        {
            return (OpportunityModelMetadata.LogisticRegression, string.Create(Inv,
                $"regularized logistic regression is not worse on CV AUC ({linear.Auc.Mean:0.0000} vs {name} {tree.Auc.Mean:0.0000}, tolerance {options.LinearPreferenceTolerance}); the simpler model is preferred"));
        }

        if (trainRows < options.SmallDataRows && gap > options.OverfitGap)
        {
            return (OpportunityModelMetadata.LogisticRegression, string.Create(Inv,
                $"{name} overfits on {trainRows} training rows (train AUC {tree.TrainAuc:0.0000} vs CV AUC {tree.Auc.Mean:0.0000}, gap {gap:0.000} > {options.OverfitGap}); regularized logistic regression chosen (CV AUC {linear.Auc.Mean:0.0000})"));
        }

        return (booster, string.Create(Inv,
            $"{name} has the better CV AUC ({tree.Auc.Mean:0.0000} vs logistic regression {linear.Auc.Mean:0.0000}); train-vs-CV AUC gap {gap:0.000}"));
    }

    private static Dictionary<string, string> Hyperparameters(string algorithm, OpportunityTrainingOptions o, bool small, (int Trees, int Leaves)? kept)
    {
        if (!OpportunityModelMetadata.IsBoosted(algorithm))
        {
            return new()
            {
                ["L1Regularization"] = o.LogisticRegression.L1Regularization.ToString(Inv),
                ["L2Regularization"] = o.LogisticRegression.L2Regularization.ToString(Inv),
                ["Calibration"] = "logistic (intrinsic)",
                ["Seed"] = o.Seed.ToString(Inv),
            };
        }

        var b = o.Boosting;
        var lightGbm = algorithm == OpportunityModelMetadata.LightGbm;
        return new()
        {
            ["Booster"] = algorithm,
            ["NumberOfTrees"] = b.NumberOfTrees.ToString(Inv),
            ["TreesKept"] = kept?.Trees.ToString(Inv) ?? "",
            ["EarlyStopping"] = b.EarlyStoppingFraction > 0
                ? lightGbm
                    ? string.Create(Inv, $"{b.EarlyStoppingFraction:P0} of the rows as validation, stop after {b.EarlyStoppingRounds} trees without a better log loss, best prefix kept")
                    : string.Create(Inv, $"{b.EarlyStoppingFraction:P0} of the rows as validation, stop at {b.EarlyStoppingLossIncrease}% above the best loss, best prefix kept")
                : "off",
            ["FeatureFraction"] = (lightGbm ? b.FeatureFraction : b.FastTreeFeatureFraction).ToString(Inv),
            ["NumberOfLeaves"] = b.NumberOfLeaves.ToString(Inv),
            ["Settings"] = small
                ? string.Create(Inv, $"small data (training part under {o.SmallDataRows} rows): stumps-sized trees for an additive model; a fit holding out more than {b.EarlyStoppingFraction:P0} for early stopping is refitted on all its rows with the trees found")
                : "default",
            ["MinimumExampleCountPerLeaf"] = b.MinimumExampleCountPerLeaf.ToString(Inv),
            ["LearningRate"] = b.LearningRate.ToString(Inv),
            ["L2Regularization"] = lightGbm ? b.L2Regularization.ToString(Inv) : "",
            ["Calibration"] = o.OutOfFoldCalibration ? o.Calibration + " (fitted on out-of-fold scores)" : o.Calibration + " (the booster's built-in, in-sample)",
            ["Seed"] = o.Seed.ToString(Inv),
        };
    }

    private static DateWindow Window(List<OpportunityFeatureRow> rows) => rows.Count == 0
        ? new DateWindow(default, default, 0, 0)
        : new DateWindow(rows[0].CreatedDate, rows[^1].CreatedDate, rows.Count, rows.Count(r => r.Label));

    private static void Validate(OpportunityTrainingOptions o, OpportunityFeatureCatalog catalog)
    {
        if (o.Folds < 2)
        {
            throw new ArgumentException("Folds must be at least 2.", nameof(o));
        }

        if (o.Threads < 0)
        {
            throw new ArgumentException("Threads must be 0 (all cores) or more.", nameof(o));
        }

        var b = o.Boosting;
        if (b.EarlyStoppingFraction is < 0 or >= 0.5 || b.EarlyStoppingLossIncrease <= 0 || b.EarlyStoppingRounds < 1)
        {
            throw new ArgumentException("Early stopping needs a validation fraction in [0, 0.5), a loss increase above 0 and at least 1 round.", nameof(o));
        }

        if (b.FeatureFraction is <= 0 or > 1 || b.FastTreeFeatureFraction is <= 0 or > 1)
        {
            throw new ArgumentException("Boosting FeatureFraction and FastTreeFeatureFraction must be in (0, 1].", nameof(o));
        }

        if (!OpportunityModelMetadata.IsBoosted(b.Booster))
        {
            throw new ArgumentException($"Booster '{b.Booster}' is not one of LightGbm, FastTree.", nameof(o));
        }

        if (b.NumberOfLeaves < 2 || b.SmallData?.NumberOfLeaves < 2 || b.NumberOfTrees < 1 || b.MinimumExampleCountPerLeaf < 1 || b.SmallData?.MinimumExampleCountPerLeaf < 1 || b.L2Regularization < 0)
        {
            throw new ArgumentException("Boosting needs at least 2 leaves per tree, 1 tree, 1 example per leaf and an L2 penalty of 0 or more.", nameof(o));
        }

        o.Gate.Validate("opportunity");
        if (o.BaselineMinimumDealsPerChannel < 1)
        {
            throw new ArgumentException("BaselineMinimumDealsPerChannel must be at least 1.", nameof(o));
        }

        if (o.HoldoutFraction is < 0 or >= 1)
        {
            throw new ArgumentException("HoldoutFraction must be in [0, 1).", nameof(o));
        }

        if (o.Algorithm is not ("Auto" or OpportunityModelMetadata.LightGbm or OpportunityModelMetadata.FastTree or OpportunityModelMetadata.LogisticRegression))
        {
            throw new ArgumentException($"Algorithm '{o.Algorithm}' is not one of Auto, LightGbm, FastTree, LbfgsLogisticRegression.", nameof(o));
        }

        if (!string.Equals(o.Calibration, "Platt", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Calibration '{o.Calibration}' is not supported (Platt only).", nameof(o));
        }

        foreach (var f in o.NumericFeatures.Where(f => !catalog.IsNumeric(f)))
        {
            throw new ArgumentException($"'{f}' is not a numeric feature of the opportunity feature catalog.", nameof(o));
        }

        foreach (var f in o.CategoricalFeatures.Where(f => !catalog.IsCategorical(f)))
        {
            throw new ArgumentException($"'{f}' is not a categorical feature of the opportunity feature catalog.", nameof(o));
        }
    }
}

internal sealed class ScoreLabel
{
    public float Score { get; set; }

    public bool Label { get; set; }
}

internal sealed record FeatureSpec(OpportunityFeatureCatalog Catalog, IReadOnlyList<string> Categorical, IReadOnlyList<string> Numeric, IReadOnlyList<string> MissingIndicators);
