using GtmMart.Scoring.Icp;

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

    /// <summary>AUC of the fit model on the held-out labelled accounts (NaN when not trained).</summary>
    public double HoldoutAuc { get; init; } = double.NaN;

    /// <summary>Mean AUC over the cross-validation folds (NaN when not trained).</summary>
    public double CrossValidationAuc { get; init; } = double.NaN;

    /// <summary>Win rate by tier over all labelled accounts (final model).</summary>
    public IReadOnlyList<IcpTierStats> TierWinRates { get; init; } = [];

    /// <summary>Win rate by tier over the held-out labelled accounts, scored by the model trained without them.</summary>
    public IReadOnlyList<IcpTierStats> HoldoutTierWinRates { get; init; } = [];

    public IReadOnlyList<IcpSegmentProfile> Segments => Manifest.Segments.Profiles;

    /// <summary>Writes icp_model.json, icp_fit_model.zip (when trained) and icp_segment_model.zip.</summary>
    public void Save(string directory) => Scorer.Save(directory);
}
