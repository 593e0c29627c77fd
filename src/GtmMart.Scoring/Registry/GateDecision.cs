using System.Text.Json.Serialization;

namespace GtmMart.Scoring.Registry;

/// <summary>What a registered version is: a trained model, or a baseline that claims no more than its data shows.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<ModelKind>))]
public enum ModelKind
{
    /// <summary>A trained model (it goes through the promotion gate).</summary>
    Model,

    /// <summary>
    /// A stand-in used while no trained model has passed the gate: the historical win rate of the deal's channel for
    /// opportunity scoring, the neutral fit for the ICP. Never replaces an active model.
    /// </summary>
    Baseline,
}

/// <summary>"Can these scores be trusted?": the verdict on a version, as the dashboard and gRPC state it.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<TrustVerdict>))]
public enum TrustVerdict
{
    /// <summary>Enough data of each class, clearly better than chance and well calibrated.</summary>
    Good,

    /// <summary>Better than chance, but on little data, or only a little better than chance, or poorly calibrated.</summary>
    Weak,

    /// <summary>The lower end of the cross-validated AUC's 95% interval is not above 0.5.</summary>
    NoBetterThanChance,

    /// <summary>A baseline, not a model.</summary>
    BaselineOnly,

    /// <summary>Trained before the promotion gate existed: nothing was assessed.</summary>
    NotAssessed,
}

/// <summary>One condition of the promotion gate, with what was seen and what was required.</summary>
public sealed record GateCheck(string Name, bool Passed, string Observed, string Required);

/// <summary>
/// Champion/challenger on the same rows: the candidate and the active version both score rows of the candidate's
/// holdout (<see cref="HoldoutRows"/>). Out of sample (<see cref="InSample"/> false): the <see cref="Rows"/> the active
/// version was not fitted on, scored by the candidate's model fitted without its holdout. In sample: when fewer than
/// half the holdout rows (or only one class) are new to the active version, every holdout row, scored by the
/// candidate's final model, fitted on them too, so that neither side is favoured.
/// </summary>
public sealed record ChampionComparison(
    string ChampionVersion,
    ModelKind ChampionKind,
    int HoldoutRows,
    int Rows,
    int Positives,
    double CandidateAuc,
    double ChampionAuc,
    double CandidateEce,
    double ChampionEce,
    double AucTolerance,
    double EceTolerance,
    bool InSample)
{
    /// <summary>Candidate AUC minus champion AUC (positive: the candidate ranks better).</summary>
    public double DeltaAuc => CandidateAuc - ChampionAuc;

    /// <summary>Candidate ECE minus champion ECE (negative: the candidate is better calibrated).</summary>
    public double DeltaEce => CandidateEce - ChampionEce;
}

/// <summary>
/// The promotion gate's decision on a trained version, stored in its model card: whether it may become active, the
/// trust verdict on it, one-sentence reasons for both, every check and the champion/challenger figures.
/// </summary>
public sealed record GateDecision(
    bool Passed,
    TrustVerdict Verdict,
    string Reason,
    string VerdictReason,
    IReadOnlyList<GateCheck> Checks,
    ChampionComparison? Champion,
    DateTime DecidedAtUtc);
