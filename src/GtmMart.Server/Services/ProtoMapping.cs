using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using GtmMart.Contracts.V1;
using GtmMart.Serving;
using Core = GtmMart.Scoring;

namespace GtmMart.Server.Services;

/// <summary>Conversions between the scoring library's records and the gtm.v1 messages.</summary>
public static class ProtoMapping
{
    public const int NotFoundCode = (int)Google.Rpc.Code.NotFound;
    public const int InvalidArgumentCode = (int)Google.Rpc.Code.InvalidArgument;

    public static ModelRef OpportunityModel(ModelSet models) => Reference(models.OpportunityModel, models.OpportunityVersion, models.OpportunityCard);

    public static ModelRef IcpModel(ModelSet models) => Reference(models.IcpModel, models.IcpVersion, models.IcpCard);

    /// <summary>A version's reference with its kind and trust verdict (unspecified when there is no card).</summary>
    public static ModelRef Reference(string name, string version, Core.Registry.ModelCard? card) => new()
    {
        Name = name,
        Version = version,
        Kind = card is null ? ModelKind.Unspecified : card.Kind == Core.Registry.ModelKind.Baseline ? ModelKind.Baseline : ModelKind.Model,
        Trust = card is null ? TrustVerdict.Unspecified : ToProto(card.Trust),
    };

    public static TrustVerdict ToProto(Core.Registry.TrustVerdict verdict) => verdict switch
    {
        Core.Registry.TrustVerdict.Good => TrustVerdict.Good,
        Core.Registry.TrustVerdict.Weak => TrustVerdict.Weak,
        Core.Registry.TrustVerdict.NoBetterThanChance => TrustVerdict.NoBetterThanChance,
        Core.Registry.TrustVerdict.BaselineOnly => TrustVerdict.BaselineOnly,
        _ => TrustVerdict.NotAssessed,
    };

    /// <summary>
    /// The score as sent, stamped with when it was computed (now), the published build its features came from (0 for
    /// features from the request) and whether the opportunity is open.
    /// </summary>
    public static OpportunityScore ToProto(Core.Opportunity.OpportunityScore score, ModelRef model, long featuresBuildId, bool isOpen)
    {
        ArgumentNullException.ThrowIfNull(score);
        var proto = new OpportunityScore
        {
            OpportunityId = score.OpportunityId,
            Score = score.Score,
            Probability = score.Probability,
            Model = model,
            ScoredAt = Now(),
            FeaturesBuildId = featuresBuildId,
            IsOpen = isOpen,
        };
        AddFactors(proto.TopPositive, score.TopPositive);
        AddFactors(proto.TopNegative, score.TopNegative);
        if (score.Unknown.Count > 0)
        {
            proto.UnknownValues.Capacity = score.Unknown.Count;
        }

        for (var i = 0; i < score.Unknown.Count; i++)
        {
            var u = score.Unknown[i];
            proto.UnknownValues.Add(new UnknownValue { Family = u.Family, Feature = u.Feature, Value = u.Value, Text = u.Text });
        }

        return proto;
    }

    /// <summary>
    /// Appends the factors in order (an indexed loop, into a list sized for them rather than grown to protobuf's
    /// first 8 slots: this runs for every score served).
    /// </summary>
    private static void AddFactors(RepeatedField<Factor> into, IReadOnlyList<Core.Opportunity.OpportunityFactor> factors)
    {
        if (factors.Count > 0)
        {
            into.Capacity = factors.Count;
        }

        for (var i = 0; i < factors.Count; i++)
        {
            into.Add(ToProto(factors[i]));
        }
    }

    public static Factor ToProto(Core.Opportunity.OpportunityFactor factor)
    {
        ArgumentNullException.ThrowIfNull(factor);
        return new Factor
        {
            Feature = factor.Feature,
            Text = factor.Text,
            Contribution = factor.Contribution,
            Family = factor.Family,
            Direction = factor.Contribution > 0 ? FactorDirection.Raises : FactorDirection.Lowers,
        };
    }

    /// <summary>The score as sent, stamped with when it was computed (now) and the published build its features came from (0 for features from the request).</summary>
    public static AccountScore ToProto(Core.Icp.AccountScore score, ModelRef model, long featuresBuildId)
    {
        ArgumentNullException.ThrowIfNull(score);
        var proto = new AccountScore
        {
            AccountId = score.AccountId,
            FitScore = score.FitScore,
            FitProbability = score.FitProbability,
            Tier = ToProto(score.Tier),
            ScoredAt = Now(),
            FeaturesBuildId = featuresBuildId,
            Segment = new Segment { Id = score.SegmentId, Name = score.SegmentName },
            BehaviourScore = score.BehaviourScore,
            Model = model,
        };
        proto.Reasons.AddRange(score.Reasons);
        return proto;
    }

    public static IcpTier ToProto(Core.Icp.IcpTier tier) => tier switch
    {
        Core.Icp.IcpTier.A => IcpTier.A,
        Core.Icp.IcpTier.B => IcpTier.B,
        Core.Icp.IcpTier.C => IcpTier.C,
        Core.Icp.IcpTier.D => IcpTier.D,
        _ => IcpTier.Unspecified,
    };

    /// <summary>The current time as a Timestamp (UTC).</summary>
    public static Timestamp Now() => Timestamp.FromDateTime(DateTime.UtcNow);

    /// <summary>A UTC date or time as a Timestamp (an unspecified kind is taken as UTC).</summary>
    public static Timestamp ToTimestamp(DateTime time) =>
        Timestamp.FromDateTime(time.Kind == DateTimeKind.Utc ? time : DateTime.SpecifyKind(time, DateTimeKind.Utc));

    public static ItemError NotFound(string id, string kind) =>
        new() { Id = Echo(id), Code = NotFoundCode, Message = $"unknown {kind} id '{Echo(id)}'" };

    /// <summary>Most characters of a caller's input an answer or error repeats back.</summary>
    public const int MaxEcho = 256;

    /// <summary>
    /// A caller's input as an answer repeats it: whole up to <see cref="MaxEcho"/> characters (every valid id), else
    /// that many and "…", so a hostile 1 MB id does not come back as a 2 MB error.
    /// </summary>
    public static string Echo(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Length <= MaxEcho ? input : string.Concat(input.AsSpan(0, MaxEcho), "…");
    }
}
