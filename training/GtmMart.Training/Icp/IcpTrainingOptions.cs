using GtmMart.Scoring.Icp;

namespace GtmMart.Training.Icp;

/// <summary>Weight of one engagement column in the behaviour index (negative for "less is better", e.g. recency).</summary>
public sealed record IcpBehaviourFeature(string Feature, double Weight);

/// <summary>
/// Options of <see cref="IcpModelTrainer"/> (JSON-serialisable; set from a config file). Feature names are the
/// mart's snake_case column names (see <see cref="IcpFeatureCatalog"/>).
/// </summary>
public sealed record IcpTrainingOptions
{
    /// <summary>Firmographic categoricals of the fit model (one-hot; unknown/rare values encode as "typical").</summary>
    public IReadOnlyList<string> FitCategoricalFeatures { get; init; } = ["industry", "employee_band", "region"];

    /// <summary>Firmographic numerics of the fit model (ln(1 + x), standardised; unknown = mean).</summary>
    public IReadOnlyList<string> FitNumericFeatures { get; init; } =
        ["employee_count", "annual_revenue_usd", IcpFeatureCatalog.RevenuePerEmployee];

    /// <summary>Engagement columns and weights of the behaviour index (each ln(1 + x), standardised).</summary>
    public IReadOnlyList<IcpBehaviourFeature> BehaviourFeatures { get; init; } =
    [
        new("sessions_90d", 1.0),
        new("form_submissions_90d", 1.5),
        new("pricing_visits_90d", 1.0),
        new("demo_visits_90d", 1.5),
        new("enterprise_visits_90d", 1.0),
        new("engaged_contacts_90d", 1.0),
        new("senior_engaged_contacts_90d", 1.5),
        new(IcpFeatureCatalog.DaysSinceLastSession, -1.0),
    ];

    /// <summary>Tier thresholds on the fit score: A ≥ 75, B ≥ 50, C ≥ 25, else D (see <see cref="IcpTierThresholds"/>).</summary>
    public IcpTierThresholds TierThresholds { get; init; } = new();

    /// <summary>
    /// Fit score points per doubling of the odds versus the typical labelled account (score 50). With 14 the tier
    /// thresholds 75 / 50 / 25 sit at 2^(25/14) ≈ 3.4× / 1× / 0.29× the typical odds, so A and D are the clear tails
    /// (about 5% of accounts each on the 12k demo mart, A 82% vs D 25% deal win rate). 25 made D a wide,
    /// mixed tier (A/D only 2.3×); 12.5 left A nearly empty.
    /// </summary>
    public double FitPointsPerOddsDoubling { get; init; } = 14;

    /// <summary>Number of KMeans segments.</summary>
    public int Segments { get; init; } = 5;

    /// <summary>Seed of the holdout split, cross-validation folds and KMeans.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Fewer labelled accounts (with a closed opportunity) than this: no fit model, neutral fit.</summary>
    public int MinimumLabelledAccounts { get; init; } = 50;

    /// <summary>Share of labelled accounts held out to measure AUC and tier win rates out of sample.</summary>
    public double HoldoutFraction { get; init; } = 0.2;

    /// <summary>Cross-validation folds over the labelled accounts.</summary>
    public int CrossValidationFolds { get; init; } = 5;

    /// <summary>L2 regularisation of the logistic regression (ML.NET's; larger = simpler model).</summary>
    public float L2Regularization { get; init; } = 1f;

    /// <summary>Categorical values seen on fewer accounts are folded into "typical" (all-zero one-hot).</summary>
    public int MinimumCategoryCount { get; init; } = 5;

    /// <summary>Fit score of every account when no fit model can be trained.</summary>
    public double NeutralFitScore { get; init; } = 50;

    /// <summary>Tier of every account when no fit model can be trained.</summary>
    public IcpTier NeutralTier { get; init; } = IcpTier.C;

    /// <summary>Throws on inconsistent options or non-firmographic fit features.</summary>
    public void Validate()
    {
        TierThresholds.Validate();
        foreach (var f in FitCategoricalFeatures)
        {
            _ = IcpFeatureCatalog.Categorical(f);
        }

        foreach (var f in FitNumericFeatures)
        {
            _ = IcpFeatureCatalog.FirmographicNumeric(f);
        }

        foreach (var f in BehaviourFeatures)
        {
            _ = IcpFeatureCatalog.Behaviour(f.Feature);
        }

        if (Segments < 1 || CrossValidationFolds < 2 || HoldoutFraction is <= 0 or >= 1 || FitPointsPerOddsDoubling <= 0 || MinimumLabelledAccounts < 2)
        {
            throw new ArgumentException("IcpTrainingOptions: Segments ≥ 1, CrossValidationFolds ≥ 2, 0 < HoldoutFraction < 1, FitPointsPerOddsDoubling > 0, MinimumLabelledAccounts ≥ 2.");
        }
    }
}
