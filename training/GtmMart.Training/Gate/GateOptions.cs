namespace GtmMart.Training.Gate;

/// <summary>
/// Thresholds of the promotion gate for one model (<c>opportunity.gate</c> and <c>icp.gate</c> in a training config).
/// A trained version becomes active only when it has at least <see cref="MinimumPerClass"/> examples of each class,
/// the lower end of its cross-validated AUC's 95% interval is above 0.5 (better than chance), and, when a version
/// is already active, it is not worse than that version on the same rows by more than <see cref="ChampionAucTolerance"/>
/// in AUC or <see cref="ChampionEceTolerance"/> in expected calibration error. The "good" thresholds only set the
/// verdict (good or weak); a weak model that passes the gate is promoted and its scores are marked as weak.
/// docs/MODELS.md explains the numbers chosen.
/// </summary>
public sealed record GateOptions
{
    /// <summary>Below this many examples of either class nothing is promoted.</summary>
    public int MinimumPerClass { get; init; } = 50;

    /// <summary>From this many examples of each class (with the other good thresholds) the verdict is "good".</summary>
    public int GoodPerClass { get; init; } = 200;

    /// <summary>The lower end of the CV AUC's 95% interval must reach this for a "good" verdict.</summary>
    public double GoodCvAucLower { get; init; } = 0.7;

    /// <summary>The holdout expected calibration error must not exceed this for a "good" verdict.</summary>
    public double GoodMaximumEce { get; init; } = 0.1;

    /// <summary>Champion/challenger: the candidate's AUC may be at most this much below the active version's.</summary>
    public double ChampionAucTolerance { get; init; } = 0.02;

    /// <summary>Champion/challenger: the candidate's ECE may be at most this much above the active version's.</summary>
    public double ChampionEceTolerance { get; init; } = 0.02;

    public void Validate(string section)
    {
        if (MinimumPerClass < 1 || GoodPerClass < MinimumPerClass || GoodCvAucLower is < 0.5 or > 1 || GoodMaximumEce is <= 0 or > 1
            || ChampionAucTolerance is < 0 or > 1 || ChampionEceTolerance is < 0 or > 1)
        {
            throw new ArgumentException(
                $"{section}.gate: needs 1 <= minimum_per_class <= good_per_class, 0.5 <= good_cv_auc_lower <= 1, 0 < good_maximum_ece <= 1 and tolerances in [0, 1].");
        }
    }
}
