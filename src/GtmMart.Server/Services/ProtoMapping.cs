using Google.Protobuf.Collections;
using GtmMart.Contracts.V1;
using GtmMart.Scoring.Features;
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

    public static OpportunityScore ToProto(Core.Opportunity.OpportunityScore score, ModelRef model)
    {
        ArgumentNullException.ThrowIfNull(score);
        var proto = new OpportunityScore
        {
            OpportunityId = score.OpportunityId,
            Score = score.Score,
            Probability = score.Probability,
            Model = model,
        };
        AddFactors(proto.TopPositive, score.TopPositive);
        AddFactors(proto.TopNegative, score.TopNegative);
        return proto;
    }

    /// <summary>Appends the factors in order (an indexed loop: this runs for every score served).</summary>
    private static void AddFactors(RepeatedField<Factor> into, IReadOnlyList<Core.Opportunity.OpportunityFactor> factors)
    {
        for (var i = 0; i < factors.Count; i++)
        {
            into.Add(ToProto(factors[i]));
        }
    }

    public static Factor ToProto(Core.Opportunity.OpportunityFactor factor)
    {
        ArgumentNullException.ThrowIfNull(factor);
        return new Factor { Feature = factor.Feature, Text = factor.Text, Contribution = factor.Contribution };
    }

    public static AccountScore ToProto(Core.Icp.AccountScore score, ModelRef model)
    {
        ArgumentNullException.ThrowIfNull(score);
        var proto = new AccountScore
        {
            AccountId = score.AccountId,
            FitScore = score.FitScore,
            FitProbability = score.FitProbability,
            Tier = score.Tier.ToString(),
            Segment = new Segment { Id = score.SegmentId, Name = score.SegmentName },
            BehaviourScore = score.BehaviourScore,
            Model = model,
        };
        proto.Reasons.AddRange(score.Reasons);
        return proto;
    }

    public static ItemError NotFound(string id, string kind) =>
        new() { Id = id, Code = NotFoundCode, Message = $"unknown {kind} id '{id}'" };

    /// <summary>The feature row of an inline opportunity; NaN for an unknown days-since-last-session.</summary>
    public static OpportunityFeatureRow ToRow(InlineOpportunity o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new OpportunityFeatureRow
        {
            OpportunityId = o.OpportunityId,
            AccountId = o.AccountId,
            CreatedDate = DateTime.UtcNow.Date,
            AmountUsd = o.AmountUsd,
            Channel = o.Channel,
            IsPaidMedia = o.IsPaidMedia,
            OwnerRegion = o.OwnerRegion,
            OwnerId = o.OwnerId,
            Industry = o.Industry,
            EmployeeBand = o.EmployeeBand,
            EmployeeCount = o.EmployeeCount,
            AnnualRevenueUsd = o.AnnualRevenueUsd,
            AccountRegion = o.AccountRegion,
            PriorOpportunities = o.PriorOpportunities,
            PriorWon = o.PriorWon,
            PriorLost = o.PriorLost,
            Sessions7d = o.Sessions7D,
            Sessions30d = o.Sessions30D,
            Sessions90d = o.Sessions90D,
            Pageviews30d = o.Pageviews30D,
            Pageviews90d = o.Pageviews90D,
            FormSubmissions30d = o.FormSubmissions30D,
            FormSubmissions90d = o.FormSubmissions90D,
            PricingVisits30d = o.PricingVisits30D,
            DemoVisits30d = o.DemoVisits30D,
            EnterpriseVisits30d = o.EnterpriseVisits30D,
            PricingVisits90d = o.PricingVisits90D,
            DemoVisits90d = o.DemoVisits90D,
            EnterpriseVisits90d = o.EnterpriseVisits90D,
            SeniorSessions30d = o.SeniorSessions30D,
            SeniorSessions90d = o.SeniorSessions90D,
            EngagedContacts90d = o.EngagedContacts90D,
            SeniorEngagedContacts90d = o.SeniorEngagedContacts90D,
            DaysSinceLastSession = o.HasDaysSinceLastSession ? o.DaysSinceLastSession : float.NaN,
        };
    }

    /// <summary>Field violations of an inline opportunity: every number finite and not negative, flags 0 or 1.</summary>
    public static void Validate(InlineOpportunity o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var violations = new Violations();
        foreach (var field in InlineOpportunity.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType == Google.Protobuf.Reflection.FieldType.Float && field.Accessor.GetValue(o) is float value)
            {
                if (!float.IsFinite(value))
                {
                    violations.Add(field.Name, "must be a finite number");
                }
                else if (value < 0)
                {
                    violations.Add(field.Name, "must not be negative");
                }
            }
            else if (field.FieldType == Google.Protobuf.Reflection.FieldType.String && field.Accessor.GetValue(o) is string text && text.Length > 256)
            {
                violations.Add(field.Name, "must be at most 256 characters");
            }
        }

        if (o.IsPaidMedia is not (0f or 1f) && float.IsFinite(o.IsPaidMedia) && o.IsPaidMedia >= 0)
        {
            violations.Add("is_paid_media", "must be 0 or 1");
        }

        violations.ThrowIfAny();
    }
}
