using GtmMart.Scoring.Features;
using GtmMart.Scoring.Opportunity;
using GtmMart.Training.Gate;

namespace GtmMart.Training.Opportunity;

/// <summary>Settings of <see cref="OpportunityModelTrainer"/>; a record with defaults, (de)serializable with System.Text.Json.</summary>
public sealed record OpportunityTrainingOptions
{
    /// <summary>Default: the catalog's categorical features in the default model (not owner_id).</summary>
    public IReadOnlyList<string> CategoricalFeatures { get; init; } = DefaultFeatures(OpportunityFeatureCatalog.Default, FeatureKind.Categorical);

    /// <summary>Default: the catalog's numeric features, amount_usd included (the leakage scan decides).</summary>
    public IReadOnlyList<string> NumericFeatures { get; init; } = DefaultFeatures(OpportunityFeatureCatalog.Default, FeatureKind.Numeric);

    /// <summary>The boosted tree model cross-validated beside the logistic regression: which booster and its settings.</summary>
    public BoostingSettings Boosting { get; init; } = new();

    public LogisticRegressionSettings LogisticRegression { get; init; } = new();

    /// <summary>
    /// "Auto" (default: choose by cross-validation between the booster and the logistic regression), "LightGbm",
    /// "FastTree" or "LbfgsLogisticRegression" (forced; a forced booster replaces <see cref="BoostingSettings.Booster"/>;
    /// both models are still cross-validated).
    /// </summary>
    public string Algorithm { get; init; } = "Auto";

    public int Folds { get; init; } = 5;

    /// <summary>
    /// Threads training may use; 0 (default) means all of the machine's cores. Training runs up to this many fits at
    /// once (cross-validation folds, the fit on the training part, the refits on all closed rows; fewer when memory is
    /// short), each single-threaded, so metrics and models do not depend on it.
    /// </summary>
    public int Threads { get; init; }

    /// <summary>Share of closed rows held out, the newest by created_date.</summary>
    public double HoldoutFraction { get; init; } = 0.2;

    public int Seed { get; init; } = 42;

    /// <summary>A feature whose univariate AUC is at least this (or at most 1 − this) is reported as leakage and dropped.</summary>
    public double LeakageAucThreshold { get; init; } = 0.95;

    /// <summary>The promotion gate's thresholds for opportunity scoring (counts are closed deals: won and lost).</summary>
    public GateOptions Gate { get; init; } = new();

    /// <summary>
    /// The win-rate baseline (used while no model has passed the gate) gives a channel its own rate from this many
    /// closed deals of the channel; below it, the channel's deals get the overall rate.
    /// </summary>
    public int BaselineMinimumDealsPerChannel { get; init; } = 10;

    /// <summary>Probability calibration; only "Platt" (ML.NET's default for both trainers) is supported.</summary>
    public string Calibration { get; init; } = "Platt";

    /// <summary>
    /// Boosted models only: true (default) appends a Platt calibrator fitted on the cross-validation out-of-fold scores;
    /// false keeps the booster's built-in Platt calibrator fitted on its own training scores (over-confident).
    /// </summary>
    public bool OutOfFoldCalibration { get; init; } = true;

    /// <summary>The linear model is chosen when its CV AUC is at least the boosted model's minus this.</summary>
    public double LinearPreferenceTolerance { get; init; } = 0.005;

    /// <summary>The boosted model counts as overfitting when train AUC − CV AUC exceeds this on fewer than <see cref="SmallDataRows"/> rows.</summary>
    public double OverfitGap { get; init; } = 0.1;

    /// <summary>
    /// A training part with fewer rows is small: the booster uses <see cref="BoostingSettings.SmallData"/> and the
    /// overfitting guard (<see cref="OverfitGap"/>) applies.
    /// </summary>
    public int SmallDataRows { get; init; } = 5000;

    /// <summary>
    /// True (default): the final model is the chosen pipeline refitted on all closed rows (training part + holdout),
    /// the holdout metrics describe the same pipeline fitted on the training part only. False: keep the training-part model.
    /// </summary>
    public bool RefitOnAllClosedRows { get; init; } = true;

    /// <summary>The features of <paramref name="kind"/> a model of <paramref name="catalog"/> uses unless a config lists them.</summary>
    public static IReadOnlyList<string> DefaultFeatures(OpportunityFeatureCatalog catalog, FeatureKind kind)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return [.. catalog.Features.Where(f => f.Kind == kind && f.InDefaultModel).Select(f => f.Name)];
    }
}

/// <summary>
/// The boosted model's settings. Boosting stops early: <see cref="EarlyStoppingFraction"/> of each fit's rows (stratified,
/// seeded) is held out as its validation split and trees are added while its log loss improves (at most
/// <see cref="NumberOfTrees"/>); the best prefix is kept.
/// </summary>
public sealed record BoostingSettings
{
    /// <summary>"LightGbm" (default) or "FastTree".</summary>
    public string Booster { get; init; } = OpportunityModelMetadata.LightGbm;

    /// <summary>The most trees a fit may grow; early stopping usually ends it sooner.</summary>
    public int NumberOfTrees { get; init; } = 500;

    public int NumberOfLeaves { get; init; } = 8;

    public int MinimumExampleCountPerLeaf { get; init; } = 100;

    public double LearningRate { get; init; } = 0.1;

    /// <summary>L2 penalty on leaf values (LightGBM only).</summary>
    public double L2Regularization { get; init; }

    /// <summary>Share of a fit's rows (stratified, seeded) used only to stop boosting; 0 turns early stopping off.</summary>
    public double EarlyStoppingFraction { get; init; } = 0.1;

    /// <summary>LightGBM: boosting stops after this many trees without a better validation log loss; the best prefix is kept.</summary>
    public int EarlyStoppingRounds { get; init; } = 20;

    /// <summary>FastTree: boosting stops once the validation loss is this many percent above the best seen; the best prefix of trees is kept.</summary>
    public double EarlyStoppingLossIncrease { get; init; } = 1;

    /// <summary>LightGBM: share of the features each tree may choose from (1 = all); below 1 decorrelates trees.</summary>
    public double FeatureFraction { get; init; } = 1;

    /// <summary>
    /// FastTree: share of the features each tree may choose from. 0.1 brings FastTree's per-tree cost to LightGBM's at
    /// all features with the same holdout AUC (docs/MODELS.md, "Which booster"); LightGBM keeps <see cref="FeatureFraction"/>.
    /// </summary>
    public double FastTreeFeatureFraction { get; init; } = 0.1;

    /// <summary>
    /// Replaces the tree settings when the training part has fewer than <see cref="OpportunityTrainingOptions.SmallDataRows"/>
    /// rows (null: no change). Default: stumps (2 leaves, an additive model) of at least 50 rows, learning rate 0.05.
    /// </summary>
    public SmallDataBoosting? SmallData { get; init; } = new();
}

/// <summary>The booster's tree settings on a small training part (<see cref="BoostingSettings.SmallData"/>).</summary>
public sealed record SmallDataBoosting
{
    public int NumberOfLeaves { get; init; } = 2;

    public int MinimumExampleCountPerLeaf { get; init; } = 50;

    public double LearningRate { get; init; } = 0.05;

    /// <summary><paramref name="settings"/> with these tree settings.</summary>
    public BoostingSettings Apply(BoostingSettings settings) =>
        (settings ?? throw new ArgumentNullException(nameof(settings))) with
        {
            NumberOfLeaves = NumberOfLeaves,
            MinimumExampleCountPerLeaf = MinimumExampleCountPerLeaf,
            LearningRate = LearningRate,
            SmallData = null,
        };
}

public sealed record LogisticRegressionSettings
{
    public float L1Regularization { get; init; } = 1f;

    public float L2Regularization { get; init; } = 1f;
}
