using GtmMart.Scoring.Features;
using GtmMart.Scoring.Icp;
using GtmMart.Training.Evaluation;

namespace GtmMart.Training.Icp;

/// <summary>
/// Real win rate of one tier: won / closed opportunities of the labelled accounts in that tier.
/// </summary>
public sealed record IcpTierStats(IcpTier Tier, int Accounts, int LabelledAccounts, double ClosedOpportunities, double WonOpportunities, double? WinRate);

/// <summary>The trained ICP model, its scorer, validation figures and warnings.</summary>
public sealed class IcpTrainingResult
{
    internal IcpTrainingResult(IcpScorer scorer, IReadOnlyList<AccountScore> scores)
    {
        Scorer = scorer;
        Scores = scores;
    }

    /// <summary>Scorer of the trained model (the same code path as <see cref="IcpScorer.Load"/>).</summary>
    public IcpScorer Scorer { get; }

    /// <summary>Thresholds, encodings, weights and segment profiles (what <see cref="Save"/> writes as JSON).</summary>
    public IcpModelManifest Manifest => Scorer.Manifest;

    /// <summary>False when the fit model could not be trained and everyone got the neutral fit.</summary>
    public bool FitModelTrained => Manifest.Fit.Trained;

    public IReadOnlyList<string> Warnings => Manifest.Warnings;

    /// <summary>Scores of the training accounts, in input order.</summary>
    public IReadOnlyList<AccountScore> Scores { get; }

    public int Accounts { get; init; }

    /// <summary>Accounts with at least one closed (won or lost) opportunity: the fit model's training rows.</summary>
    public int LabelledAccounts { get; init; }

    /// <summary>Labelled accounts with a closed-won opportunity.</summary>
    public int PositiveAccounts { get; init; }

    /// <summary>Why the fit model was not trained (e.g. "only 12 accounts have a closed opportunity (minimum 50)"), or null.</summary>
    public string? FitNotTrainedReason { get; init; }

    /// <summary>AUC of the fit model on the held-out labelled accounts (NaN when not trained).</summary>
    public double HoldoutAuc { get; init; } = double.NaN;

    /// <summary>Expected calibration error of the fit probability on the held-out labelled accounts (NaN when not trained).</summary>
    public double HoldoutEce { get; init; } = double.NaN;

    /// <summary>AUC over the cross-validation folds: mean and 95% interval (NaN when not trained).</summary>
    public MetricInterval CrossValidationAuc { get; init; } = new(double.NaN, double.NaN, double.NaN, double.NaN, 0);

    /// <summary>The labelled accounts the final fit model was fitted on (every labelled account).</summary>
    public IReadOnlyList<AccountFeatureRow> FittedAccounts { get; init; } = [];

    /// <summary>The held-out labelled accounts (the champion/challenger rows; empty when not trained).</summary>
    public IReadOnlyList<AccountFeatureRow> HoldoutAccounts { get; init; } = [];

    /// <summary>Fit probabilities of <see cref="HoldoutAccounts"/> from the model trained without them.</summary>
    public IReadOnlyList<float> HoldoutProbabilities { get; init; } = [];

    /// <summary>Win rate by tier over all labelled accounts (final model).</summary>
    public IReadOnlyList<IcpTierStats> TierWinRates { get; init; } = [];

    /// <summary>Win rate by tier over the held-out labelled accounts, scored by the model trained without them.</summary>
    public IReadOnlyList<IcpTierStats> HoldoutTierWinRates { get; init; } = [];

    public IReadOnlyList<IcpSegmentProfile> Segments => Manifest.Segments.Profiles;

    /// <summary>Writes icp_model.json, icp_fit_model.zip (when trained) and icp_segment_model.zip.</summary>
    public void Save(string directory) => Scorer.Save(directory);
}
