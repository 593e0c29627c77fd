using GtmMart.Scoring.Features;
using GtmMart.Scoring.Opportunity;
using GtmMart.Training.Evaluation;
using Microsoft.ML;

namespace GtmMart.Training.Opportunity;

/// <summary>A feature left out of the model, with the reason ("constant", "all missing", "leakage") and its univariate AUC when measured.</summary>
public sealed record DroppedFeature(string Feature, string Reason, double? UnivariateAuc = null);

/// <summary>Cross-validated metrics of one algorithm on the training part: mean and 95% CI over folds, plus in-sample train AUC.</summary>
public sealed record CrossValidationMetrics(string Algorithm, MetricInterval Auc, MetricInterval PrAuc, MetricInterval LogLoss, double TrainAuc);

public sealed record DateWindow(DateTime From, DateTime To, int Rows, int Won);

public sealed record HoldoutPrediction(string OpportunityId, float Probability, bool Won);

public sealed class OpportunityTrainingResult
{
    /// <summary>The final model (see <see cref="RefitOnAllClosedRows"/>).</summary>
    public required ITransformer Model { get; init; }

    public required DataViewSchema InputSchema { get; init; }

    public required OpportunityModelMetadata Metadata { get; init; }

    /// <summary><see cref="OpportunityModelMetadata.LightGbm"/>, <see cref="OpportunityModelMetadata.FastTree"/> or <see cref="OpportunityModelMetadata.LogisticRegression"/>.</summary>
    public required string Algorithm { get; init; }

    public required string AlgorithmReason { get; init; }

    /// <summary>Metrics on the newest rows, from the chosen pipeline fitted on the training part only.</summary>
    public required BinaryMetricsResult Holdout { get; init; }

    public required IReadOnlyList<HoldoutPrediction> HoldoutPredictions { get; init; }

    /// <summary>The holdout's feature rows (newest closed rows), in the order of <see cref="HoldoutPredictions"/>: the champion/challenger rows.</summary>
    public required IReadOnlyList<OpportunityFeatureRow> HoldoutRows { get; init; }

    /// <summary>The rows the final model was fitted on (every closed row, or the training part without refit).</summary>
    public required IReadOnlyList<OpportunityFeatureRow> FittedRows { get; init; }

    public required CrossValidationMetrics CrossValidation { get; init; }

    /// <summary>The boosted model's cross-validation (LightGBM or FastTree, see <see cref="OpportunityTrainingOptions.Boosting"/>), chosen or not.</summary>
    public required CrossValidationMetrics BoostedCrossValidation { get; init; }

    public required CrossValidationMetrics LogisticRegressionCrossValidation { get; init; }

    public required IReadOnlyList<string> Warnings { get; init; }

    public required IReadOnlyList<string> FeaturesUsed { get; init; }

    public required IReadOnlyList<DroppedFeature> DroppedFeatures { get; init; }

    public required IReadOnlyDictionary<string, string> Hyperparameters { get; init; }

    public required int Won { get; init; }

    public required int Lost { get; init; }

    public required int OpenRowsIgnored { get; init; }

    public required DateWindow Train { get; init; }

    public required DateWindow HoldoutWindow { get; init; }

    public required bool RefitOnAllClosedRows { get; init; }

    /// <summary>The feature catalog of the rows the model was trained on.</summary>
    public required OpportunityFeatureCatalog Catalog { get; init; }

    /// <summary>Saves the model zip with its metadata, loadable by <see cref="OpportunityScorer.Load"/>.</summary>
    public void Save(string path) => OpportunityModelFile.Save(new MLContext(seed: 0), Model, InputSchema, Metadata, path);

    public OpportunityScorer CreateScorer() => OpportunityScorer.Create(Model, Metadata, Catalog);
}
