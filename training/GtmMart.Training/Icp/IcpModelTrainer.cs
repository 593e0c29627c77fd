using GtmMart.Scoring.Features;
using GtmMart.Scoring.Icp;
using GtmMart.Training.Evaluation;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace GtmMart.Training.Icp;

/// <summary>
/// Trains the ICP model: a fit model (firmographics only), a behaviour score (engagement only), tiers and segments.
/// <list type="bullet">
/// <item>Fit rows are the accounts with at least one closed opportunity; label = has a closed-won deal. An account
/// with no closed deal yet is unlabelled (we do not know how it would close), not a negative; it is still scored.</item>
/// <item>Fit model: L2-regularised logistic regression (L-BFGS) on one-hot industry / band / region and standardised
/// ln(1 + x) numerics. Few, interpretable parameters, so it generalises from a few hundred rows; probabilities are
/// calibrated by construction (log loss); coefficients give the reasons.</item>
/// <item>Fit score: an odds-lift scale around the typical labelled account (50 + points × log2 of the odds ratio), so
/// each tier threshold is a multiple of the typical odds (with the defaults 75 / 50 / 25 and 25 points per doubling:
/// A ≥ 2×, B 1-2×, C 0.5-1×, D &lt; 0.5×; see <see cref="IcpTierMeaning"/>) and tiers widen or shrink with what
/// firmographics can really tell.</item>
/// </list>
/// </summary>
public static class IcpModelTrainer
{
    /// <summary>Segments cluster on these firmographics (one-hot / standardised log) plus the behaviour index.</summary>
    private static readonly string[] SegmentCategoricals = ["industry", "employee_band", "region"];
    private static readonly string[] SegmentNumerics = ["employee_count", "annual_revenue_usd"];

    /// <summary>
    /// Trains the ICP model; with <paramref name="neutralFit"/> the fit model is not trained and every account gets
    /// the neutral fit (the ICP baseline used while no fit model has passed the promotion gate).
    /// </summary>
    public static IcpTrainingResult Train(IReadOnlyList<AccountFeatureRow> accounts, IcpTrainingOptions options, IProgress<string>? progress = null, bool neutralFit = false)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (accounts.Count == 0)
        {
            throw new TrainingDataException("cannot train the ICP model: the snapshot holds no accounts");
        }

        var warnings = new List<string>();
        var ml = new MLContext(seed: options.Seed);

        // Behaviour: transparent weighted index of standardised log engagement, percentile-ranked.
        var behaviour = TrainBehaviour(accounts, options);
        var behaviourIndex = accounts.Select(a => IcpEncoding.BehaviourIndex(behaviour, a)).ToArray();
        progress?.Report($"Behaviour index over {accounts.Count} accounts ({behaviour.Features.Count} engagement features).");

        // Fit: labelled = at least one closed opportunity.
        var labelled = accounts.Where(IsLabelled).ToList();
        var positives = labelled.Count(a => a.IcpLabel);
        var fitEncoding = new IcpVectorEncoding(
            [.. options.FitCategoricalFeatures.Select(f => Vocabulary(labelled, f, options.MinimumCategoryCount))],
            [.. options.FitNumericFeatures.Select(f => Standardisation(labelled, IcpFeatureCatalog.FirmographicNumeric(f), f))],
            1.0);
        var fitVectors = labelled.Select(a => IcpEncoding.Encode(fitEncoding, a)).ToArray();
        var labels = labelled.Select(a => a.IcpLabel).ToArray();
        var baseRate = labelled.Count > 0 ? (double)positives / labelled.Count : 0.5;

        var why = neutralFit ? "no fit model has passed the promotion gate" : WhyNotTrainable(labelled.Count, positives, fitVectors, fitEncoding.Length, options);
        IcpFitSpec fitSpec;
        ITransformer? fitModel = null;
        double holdoutAuc = double.NaN, holdoutEce = double.NaN;
        var cvAuc = new MetricInterval(double.NaN, double.NaN, double.NaN, double.NaN, 0);
        IReadOnlyList<IcpTierStats> holdoutTiers = [];
        IReadOnlyList<AccountFeatureRow> holdoutAccounts = [];
        IReadOnlyList<float> holdoutProbabilities = [];
        if (why is not null)
        {
            warnings.Add(neutralFit
                ? $"Baseline: {why}, so every account gets the neutral fit (score {options.NeutralFitScore}, tier {options.NeutralTier})."
                : $"Fit model cannot be trained: {why}. Every account gets the neutral fit (score {options.NeutralFitScore}, tier {options.NeutralTier}).");
            progress?.Report(warnings[^1]);
            fitSpec = new IcpFitSpec
            {
                Trained = false,
                Encoding = fitEncoding,
                BaseRate = baseRate,
                PointsPerOddsDoubling = options.FitPointsPerOddsDoubling,
                NeutralScore = options.NeutralFitScore,
                NeutralTier = options.NeutralTier,
            };
        }
        else
        {
            progress?.Report($"Fit model on {labelled.Count} labelled accounts ({positives} customers), {fitEncoding.Length} firmographic slots.");
            var order = Shuffled(labelled.Count, options.Seed);

            // Holdout.
            var holdoutCount = Math.Max(1, (int)Math.Round(labelled.Count * options.HoldoutFraction));
            var holdout = order.Take(holdoutCount).ToArray();
            var train = order.Skip(holdoutCount).ToArray();
            var holdoutModel = FitLogistic(ml, train, fitVectors, labels, fitEncoding.Length, options);
            var holdoutP = IcpVectorData.PredictProbabilities(ml, holdoutModel, [.. holdout.Select(i => fitVectors[i])], fitEncoding.Length);
            holdoutAuc = BinaryMetrics.Auc([.. holdoutP.Select(p => (double)p)], [.. holdout.Select(i => labels[i])]);
            holdoutEce = BinaryMetrics.Compute([.. holdoutP.Select((p, k) => (p, labels[holdout[k]]))]).Ece;
            holdoutAccounts = [.. holdout.Select(i => labelled[i])];
            holdoutProbabilities = holdoutP;
            var holdoutSpec = FitSpec(holdoutModel, train, fitVectors, labels, fitEncoding, options);
            holdoutTiers = TierStats(
                [.. holdout.Select(i => labelled[i])],
                [.. holdoutP.Select(p => options.TierThresholds.TierOf(IcpEncoding.FitScore(holdoutSpec, p)))]);

            // Cross-validation.
            var aucs = new List<double>();
            for (var fold = 0; fold < options.CrossValidationFolds; fold++)
            {
                var test = order.Where((_, k) => k % options.CrossValidationFolds == fold).ToArray();
                var rest = order.Where((_, k) => k % options.CrossValidationFolds != fold).ToArray();
                var model = FitLogistic(ml, rest, fitVectors, labels, fitEncoding.Length, options);
                var p = IcpVectorData.PredictProbabilities(ml, model, [.. test.Select(i => fitVectors[i])], fitEncoding.Length);
                var auc = BinaryMetrics.Auc([.. p.Select(x => (double)x)], [.. test.Select(i => labels[i])]);
                if (!double.IsNaN(auc))
                {
                    aucs.Add(auc);
                }
            }

            cvAuc = MetricInterval.From(aucs);
            progress?.Report($"Fit model AUC: holdout {holdoutAuc:F3}, {options.CrossValidationFolds}-fold CV {cvAuc}.");

            var final = FitLogistic(ml, [.. Enumerable.Range(0, labelled.Count)], fitVectors, labels, fitEncoding.Length, options);
            fitModel = final;
            fitSpec = FitSpec(final, [.. Enumerable.Range(0, labelled.Count)], fitVectors, labels, fitEncoding, options);
        }

        // Fit and behaviour scores of every account (the scorer recomputes them identically).
        var allFitVectors = accounts.Select(a => IcpEncoding.Encode(fitEncoding, a)).ToArray();
        var probabilities = fitModel is null
            ? [.. accounts.Select(_ => (float)baseRate)]
            : IcpVectorData.PredictProbabilities(ml, fitModel, allFitVectors, fitEncoding.Length);
        var fitScores = probabilities.Select(p => IcpEncoding.FitScore(fitSpec, p)).ToArray();
        var behaviourScores = behaviourIndex.Select(x => IcpEncoding.PercentileOf(behaviour.Quantiles, x)).ToArray();

        // Segments.
        var segmentEncoding = new IcpVectorEncoding(
            [.. SegmentCategoricals.Select(f => Vocabulary(accounts, f, options.MinimumCategoryCount))],
            [.. SegmentNumerics.Select(f => Standardisation(accounts, IcpFeatureCatalog.FirmographicNumeric(f), f))],
            1 / Math.Sqrt(2));
        var segmentLength = segmentEncoding.Length + 1;
        var segmentVectors = accounts.Select((a, i) => IcpScorer.SegmentVector(segmentEncoding, behaviour.IndexStd, a, behaviourIndex[i])).ToArray();
        // KMeans++ needs k distinct points: with few distinct accounts (e.g. no firmographics and no engagement at
        // all, as in an export without the accounts and contacts sources) ask for fewer segments rather than fail.
        var distinct = segmentVectors.Select(v => string.Join(',', v)).Distinct(StringComparer.Ordinal).Count();
        var k = Math.Max(1, Math.Min(options.Segments, distinct));
        if (k < options.Segments)
        {
            warnings.Add($"Only {distinct} distinct account profile(s): {k} segment(s) instead of {options.Segments}.");
        }

        var kmeans = ml.Clustering.Trainers.KMeans(new KMeansTrainer.Options
        {
            NumberOfClusters = k,
            InitializationAlgorithm = KMeansTrainer.InitializationAlgorithm.KMeansPlusPlus,
            NumberOfThreads = 1,
            MaximumNumberOfIterations = 200,
            FeatureColumnName = "Features",
        });
        var segmentModel = kmeans.Fit(IcpVectorData.ToDataView(ml, segmentVectors.Select(v => new IcpVectorRow { Features = v }), segmentLength));
        var clusters = IcpVectorData.PredictClusters(ml, segmentModel, segmentVectors, segmentLength);
        var (clusterToSegment, profiles) = IcpSegmentProfiles.Build(accounts, clusters, k, fitScores, behaviourScores);
        progress?.Report($"{profiles.Count} segments: {string.Join("; ", profiles.Select(p => $"{p.Name} ({p.Accounts})"))}.");

        var manifest = new IcpModelManifest
        {
            Thresholds = options.TierThresholds,
            Fit = fitSpec,
            Behaviour = behaviour,
            Segments = new IcpSegmentSpec(segmentEncoding, clusterToSegment, profiles),
            Warnings = warnings,
        };
        var scorer = new IcpScorer(ml, manifest, fitModel, segmentModel);
        var scores = scorer.ScoreBatch(accounts);

        var labelledSet = new HashSet<AccountFeatureRow>(labelled);
        var tierStats = TierStats(accounts, [.. scores.Select(s => s.Tier)]);
        if (fitModel is not null)
        {
            progress?.Report("Tier win rates: " + string.Join(", ", tierStats.Select(t => $"{t.Tier} {t.WinRate:P1} ({t.LabelledAccounts})")));
        }

        return new IcpTrainingResult(scorer, scores)
        {
            Accounts = accounts.Count,
            LabelledAccounts = labelledSet.Count,
            PositiveAccounts = positives,
            FitNotTrainedReason = why,
            FittedAccounts = labelled,
            HoldoutAuc = holdoutAuc,
            HoldoutEce = holdoutEce,
            CrossValidationAuc = cvAuc,
            HoldoutAccounts = holdoutAccounts,
            HoldoutProbabilities = holdoutProbabilities,
            TierWinRates = tierStats,
            HoldoutTierWinRates = holdoutTiers,
        };
    }

    /// <summary>An account with at least one closed (won or lost) opportunity.</summary>
    public static bool IsLabelled(AccountFeatureRow a) => Count(a.WonOpportunities) + Count(a.LostOpportunities) > 0;

    internal static double Count(float v) => float.IsNaN(v) || v < 0 ? 0 : v;

    private static string? WhyNotTrainable(int labelled, int positives, float[][] vectors, int length, IcpTrainingOptions options)
    {
        if (labelled < options.MinimumLabelledAccounts)
        {
            return $"only {labelled} accounts have a closed opportunity (minimum {options.MinimumLabelledAccounts})";
        }

        if (positives == 0 || positives == labelled)
        {
            return $"all {labelled} labelled accounts have the same label";
        }

        var constant = length == 0 || Enumerable.Range(0, length).All(j => vectors.All(v => v[j] == vectors[0][j]));
        return constant ? "firmographic features are constant (no firmographics known: is the accounts source missing?)" : null;
    }

    private static BinaryPredictionTransformer<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>> FitLogistic(
        MLContext ml, int[] rows, float[][] vectors, bool[] labels, int length, IcpTrainingOptions options)
    {
        var trainer = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            L2Regularization = options.L2Regularization,
            L1Regularization = 0,
            NumberOfThreads = 1,
            LabelColumnName = "Label",
            FeatureColumnName = "Features",
        });
        return trainer.Fit(IcpVectorData.ToDataView(ml, rows.Select(i => new IcpVectorRow { Label = labels[i], Features = vectors[i] }), length));
    }

    private static IcpFitSpec FitSpec(
        BinaryPredictionTransformer<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>> model,
        int[] rows, float[][] vectors, bool[] labels, IcpVectorEncoding encoding, IcpTrainingOptions options)
    {
        var linear = model.Model.SubModel;
        var means = new double[encoding.Length];
        foreach (var i in rows)
        {
            for (var j = 0; j < means.Length; j++)
            {
                means[j] += vectors[i][j];
            }
        }

        return new IcpFitSpec
        {
            Trained = true,
            Encoding = encoding,
            Weights = [.. linear.Weights.Select(w => (double)w)],
            Bias = linear.Bias,
            SlotMeans = [.. means.Select(m => m / rows.Length)],
            BaseRate = rows.Count(i => labels[i]) / (double)rows.Length,
            PointsPerOddsDoubling = options.FitPointsPerOddsDoubling,
            NeutralScore = options.NeutralFitScore,
            NeutralTier = options.NeutralTier,
        };
    }

    private static IcpBehaviourSpec TrainBehaviour(IReadOnlyList<AccountFeatureRow> accounts, IcpTrainingOptions options)
    {
        var weights = options.BehaviourFeatures.Select(f =>
        {
            var get = IcpFeatureCatalog.Behaviour(f.Feature);
            var n = Standardisation(accounts, r => { var v = get(r); return float.IsNaN(v) ? 0 : v; }, f.Feature);
            return new IcpBehaviourWeight(f.Feature, f.Weight, n.Mean, n.Std);
        }).ToList();
        var partial = new IcpBehaviourSpec(weights, [], 1);
        var index = accounts.Select(a => IcpEncoding.BehaviourIndex(partial, a)).ToArray();
        return partial with { Quantiles = IcpEncoding.Quantiles(index), IndexStd = Std(index) };
    }

    private static IcpCategoricalEncoding Vocabulary(IEnumerable<AccountFeatureRow> rows, string feature, int minCount)
    {
        var get = IcpFeatureCatalog.Categorical(feature);
        var values = rows.Select(r => IcpFeatureCatalog.CleanCategory(get(r)))
            .OfType<string>()
            .GroupBy(v => v, StringComparer.Ordinal)
            .Where(g => g.Count() >= minCount)
            .Select(g => g.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        return new IcpCategoricalEncoding(feature, values);
    }

    private static IcpNumericEncoding Standardisation(IEnumerable<AccountFeatureRow> rows, Func<AccountFeatureRow, float> get, string feature)
    {
        var logs = rows.Select(r => IcpFeatureCatalog.LogValue(get(r))).Where(v => !double.IsNaN(v)).ToArray();
        return logs.Length == 0 ? new IcpNumericEncoding(feature, 0, 0) : new IcpNumericEncoding(feature, logs.Average(), Std(logs));
    }

    private static double Std(double[] values)
    {
        if (values.Length < 2)
        {
            return 0;
        }

        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
    }

    private static int[] Shuffled(int n, int seed)
    {
        var order = Enumerable.Range(0, n).ToArray();
#pragma warning disable CA5394 // Not security relevant: a reproducible split.
        new Random(seed).Shuffle(order);
#pragma warning restore CA5394
        return order;
    }

    internal static List<IcpTierStats> TierStats(IReadOnlyList<AccountFeatureRow> accounts, IReadOnlyList<IcpTier> tiers)
    {
        var stats = new List<IcpTierStats>();
        foreach (var tier in Enum.GetValues<IcpTier>())
        {
            int n = 0, labelledCount = 0;
            double closed = 0, won = 0;
            for (var i = 0; i < accounts.Count; i++)
            {
                if (tiers[i] != tier)
                {
                    continue;
                }

                n++;
                var a = accounts[i];
                if (IsLabelled(a))
                {
                    labelledCount++;
                    won += Count(a.WonOpportunities);
                    closed += Count(a.WonOpportunities) + Count(a.LostOpportunities);
                }
            }

            stats.Add(new IcpTierStats(tier, n, labelledCount, closed, won, closed > 0 ? won / closed : null));
        }

        return stats;
    }
}
