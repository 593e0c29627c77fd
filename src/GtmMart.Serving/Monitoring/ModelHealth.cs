namespace GtmMart.Serving.Monitoring;

/// <summary>The verdicts of <c>gtm monitor</c>.</summary>
public static class Verdicts
{
    public const string Ok = "ok";
    public const string Retrain = "retrain recommended";
    public const string NotEnoughClosed = "not enough closed deals yet";
}

/// <summary>An AUC with its 95% interval (a model card's cross-validation AUC).</summary>
public sealed record AucInterval(double Mean, double Lower, double Upper);

/// <summary>One row of <c>mart.mrt_model_performance</c>: how a run's win probabilities did on the deals closed since.</summary>
public sealed record RunAccuracy(
    string RunId, string ModelVersion, DateTime ScoredAt, long Scored, long ClosedSince, long WonSince,
    double? RealizedAuc, double? RealizedAucLow, double? RealizedAucHigh, double? Brier, double? CalibrationError)
{
    public long LostSince => ClosedSince - WonSince;
}

/// <summary>One row of <c>mart.mrt_feature_drift</c> for the latest run.</summary>
public sealed record DriftFlag(string Feature, string Kind, double Psi, string Reading, long SampleSize, string? Note)
{
    public bool Flagged => Reading != "stable";
}

/// <summary>
/// One active model's health: realized accuracy by run and version, the latest run's drift, and the verdict with
/// its reasons. <see cref="AccuracyNote"/> / <see cref="DriftNote"/> say why a part is missing.
/// </summary>
public sealed record ModelHealth(
    string Model,
    string ActiveVersion,
    string Kind,
    AucInterval? CrossValidationAuc,
    string? LatestRunId,
    IReadOnlyList<RunAccuracy> Accuracy,
    string? AccuracyNote,
    IReadOnlyList<DriftFlag> Drift,
    string? DriftNote,
    string Verdict,
    IReadOnlyList<string> Reasons)
{
    public DriftFlag? ScoreDrift => Drift.FirstOrDefault(d => d.Kind == "score");
}

/// <summary>What <c>gtm monitor</c> found.</summary>
public sealed record MonitorReport(string Warehouse, string Registry, DateTime CheckedAtUtc, IReadOnlyList<ModelHealth> Models)
{
    public bool RetrainRecommended => Models.Any(m => m.Verdict == Verdicts.Retrain);
}
