using System.Text.Json;
using System.Text.Json.Serialization;

namespace GtmMart.Scoring.Icp;

/// <summary>
/// The small JSON (<c>icp_model.json</c>) saved next to the two ML.NET zips: how account columns become model
/// vectors, the fit score scale, tier thresholds, behaviour weights and segment profiles.
/// </summary>
public sealed record IcpModelManifest
{
    public const int CurrentFormatVersion = 1;
    public const string FileName = "icp_model.json";
    public const string FitModelFileName = "icp_fit_model.zip";
    public const string SegmentModelFileName = "icp_segment_model.zip";

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required IcpTierThresholds Thresholds { get; init; }
    public required IcpFitSpec Fit { get; init; }
    public required IcpBehaviourSpec Behaviour { get; init; }
    public required IcpSegmentSpec Segments { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };
}

/// <summary>One-hot vocabulary of a categorical column (unknown or unseen values encode as all zeros).</summary>
public sealed record IcpCategoricalEncoding(string Feature, IReadOnlyList<string> Values);

/// <summary>Standardisation of ln(1 + value) of a numeric column (unknown values encode as 0, the mean).</summary>
public sealed record IcpNumericEncoding(string Feature, double Mean, double Std);

/// <summary>Column → float vector: one-hot categoricals (times <see cref="CategoricalScale"/>) then standardised log numerics.</summary>
public sealed record IcpVectorEncoding(
    IReadOnlyList<IcpCategoricalEncoding> Categoricals,
    IReadOnlyList<IcpNumericEncoding> Numerics,
    double CategoricalScale)
{
    [JsonIgnore]
    public int Length => Categoricals.Sum(c => c.Values.Count) + Numerics.Count;
}

/// <summary>
/// Fit model: L2-regularised logistic regression on firmographics (weights copied from the zip for the reasons).
/// Fit score = clamp(50 + <see cref="PointsPerOddsDoubling"/> × log2(odds(p) / odds(<see cref="BaseRate"/>)), 0, 100).
/// </summary>
public sealed record IcpFitSpec
{
    /// <summary>False when no fit model could be trained: everyone gets <see cref="NeutralScore"/> and <see cref="NeutralTier"/>.</summary>
    public required bool Trained { get; init; }
    public required IcpVectorEncoding Encoding { get; init; }
    public IReadOnlyList<double> Weights { get; init; } = [];
    public double Bias { get; init; }

    /// <summary>Mean of each encoded slot over the labelled training accounts (the "typical account" of the reasons).</summary>
    public IReadOnlyList<double> SlotMeans { get; init; } = [];

    /// <summary>Share of labelled training accounts that are customers: the "typical" probability (score 50).</summary>
    public required double BaseRate { get; init; }
    public required double PointsPerOddsDoubling { get; init; }
    public double NeutralScore { get; init; } = 50;
    public IcpTier NeutralTier { get; init; } = IcpTier.C;
}

/// <summary>One engagement column of the behaviour index: weight and the standardisation of ln(1 + value).</summary>
public sealed record IcpBehaviourWeight(string Feature, double Weight, double Mean, double Std);

/// <summary>
/// Behaviour score: index = Σ weight × z(ln(1 + value)) / Σ |weight|; score = percentile of the index among the
/// training accounts (<see cref="Quantiles"/>: the index at 0, 0.1, ..., 100 %).
/// </summary>
public sealed record IcpBehaviourSpec(IReadOnlyList<IcpBehaviourWeight> Features, IReadOnlyList<double> Quantiles, double IndexStd);

/// <summary>Segments: KMeans on <see cref="Encoding"/> plus the behaviour index / its std (one more slot).</summary>
public sealed record IcpSegmentSpec(
    IcpVectorEncoding Encoding,
    IReadOnlyList<int> ClusterToSegment,
    IReadOnlyList<IcpSegmentProfile> Profiles);
