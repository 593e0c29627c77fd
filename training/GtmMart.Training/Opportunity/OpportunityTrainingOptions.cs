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

    public FastTreeSettings FastTree { get; init; } = new();

    public LogisticRegressionSettings LogisticRegression { get; init; } = new();

    /// <summary>"Auto" (default: choose by cross-validation), "FastTree" or "LbfgsLogisticRegression" (forced; both are still cross-validated).</summary>
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
    /// FastTree only: true (default) appends a Platt calibrator fitted on the cross-validation out-of-fold scores;
    /// false keeps FastTree's built-in Platt calibrator fitted on its own training scores (over-confident).
    /// </summary>
    public bool OutOfFoldCalibration { get; init; } = true;

    /// <summary>The linear model is chosen when its CV AUC is at least FastTree's minus this.</summary>
    public double LinearPreferenceTolerance { get; init; } = 0.005;

    /// <summary>FastTree counts as overfitting when train AUC − CV AUC exceeds this on fewer than <see cref="SmallDataRows"/> rows.</summary>
    public double OverfitGap { get; init; } = 0.1;

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
/// FastTree's settings. Boosting stops early: <see cref="EarlyStoppingFraction"/> of each fit's rows is held out as a
/// validation split, trees are added until its loss is <see cref="EarlyStoppingLossIncrease"/> percent above the best
/// seen (at most <see cref="NumberOfTrees"/>), and the best prefix is kept.
/// </summary>
public sealed record FastTreeSettings
{
    /// <summary>The most trees a fit may grow; early stopping usually ends it sooner.</summary>
    public int NumberOfTrees { get; init; } = 500;

    public int NumberOfLeaves { get; init; } = 8;

    public int MinimumExampleCountPerLeaf { get; init; } = 100;

    public double LearningRate { get; init; } = 0.1;

    /// <summary>
    /// Share of a fit's rows (stratified, seeded) used only to decide when to stop adding trees; 0 turns early stopping
    /// off. A fit whose split would hold fewer than 500 rows grows all its trees (too noisy to stop on).
    /// </summary>
    public double EarlyStoppingFraction { get; init; } = 0.1;

    /// <summary>Boosting stops once the validation loss is this many percent above the best seen; the best prefix of trees is kept.</summary>
    public double EarlyStoppingLossIncrease { get; init; } = 1;

    /// <summary>Share of the features each tree may choose from (1 = all); below 1 decorrelates trees.</summary>
    public double FeatureFraction { get; init; } = 1;
}

public sealed record LogisticRegressionSettings
{
    public float L1Regularization { get; init; } = 1f;

    public float L2Regularization { get; init; } = 1f;
}
