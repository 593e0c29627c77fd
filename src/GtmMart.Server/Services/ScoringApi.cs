using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using GtmMart.Contracts.V1;

namespace GtmMart.Server.Services;

/// <summary>
/// gtm.v1.ScoringService over the in-memory features and the served models. Never queries the warehouse.
/// Every id is resolved the same way (cached score, else scored from its feature row, else a per-item NOT_FOUND), and a
/// long list is checked for cancellation as it goes, so a cancelled call or an exceeded deadline stops the work.
/// </summary>
public sealed partial class ScoringApi(ServingAccess serving) : ScoringService.ScoringServiceBase
{
    private const int Chunk = 512;

    public override Task<ScoreOpportunitiesResponse> ScoreOpportunities(ScoreOpportunitiesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        RequestText.TrimIds(request.OpportunityIds);
        Violations.CheckIds(request.OpportunityIds, "opportunity_ids", serving.MaxIdsPerRequest);
        return Task.FromResult(Opportunities(serving.Snapshot(), request.OpportunityIds, context.CancellationToken));
    }

    /// <summary>
    /// Scores the deal of the request; what the model did not know (an unset number it never saw missing, a category it
    /// never saw) is listed as warnings, or, with <c>strict</c>, refused as field violations.
    /// </summary>
    public override Task<ScoreOpportunityInlineResponse> ScoreOpportunityInline(ScoreOpportunityInlineRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        const string Path = "opportunity.";
        var deal = request.Opportunity ?? new InlineOpportunity();
        deal.OpportunityId = RequestText.Id(deal.OpportunityId);
        deal.AccountId = RequestText.Id(deal.AccountId);
        var violations = new Violations();
        InlineMapping.Default.Validate(deal, violations, Path);
        violations.ThrowIfAny();

        var snapshot = serving.Snapshot();
        var score = snapshot.Opportunity.Score(InlineMapping.Default.ToRow(deal));
        var warnings = InlineMapping.Default.Warnings(score, Path).ToList();
        if (request.Strict)
        {
            foreach (var (field, description) in warnings)
            {
                violations.Add(field, description);
            }

            violations.ThrowIfAny();
        }

        var response = new ScoreOpportunityInlineResponse { Score = ProtoMapping.ToProto(score, snapshot.OpportunityModel, featuresBuildId: 0, isOpen: true) };
        serving.Metrics.Served("opportunity", "inline", 1);
        response.Warnings.AddRange(warnings.Select(w => new FieldWarning { Field = w.Field, Description = w.Description }));
        return Task.FromResult(response);
    }

    public override Task<ScoreAccountsResponse> ScoreAccounts(ScoreAccountsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        RequestText.TrimIds(request.AccountIds);
        Violations.CheckIds(request.AccountIds, "account_ids", serving.MaxIdsPerRequest);
        return Task.FromResult(Accounts(serving.Snapshot(), request.AccountIds, context.CancellationToken));
    }

    /// <summary>A result per (validated) opportunity id, in order: a unary call's answer and a stream chunk's.</summary>
    private ScoreOpportunitiesResponse Opportunities(ServingSnapshot snapshot, RepeatedField<string> ids, CancellationToken token)
    {
        var response = new ScoreOpportunitiesResponse();
        var tally = new Tally();
        for (var i = 0; i < ids.Count; i++)
        {
            ThrowIfCancelledEvery(i, token);
            response.Results.Add(Opportunity(snapshot, ids[i], ref tally) is { } score
                ? new OpportunityResult { Score = score }
                : new OpportunityResult { Error = ProtoMapping.NotFound(ids[i], "opportunity") });
        }

        tally.Report(serving.Metrics);
        return response;
    }

    /// <summary>A result per (validated) account id, in order: a unary call's answer and a stream chunk's.</summary>
    private ScoreAccountsResponse Accounts(ServingSnapshot snapshot, RepeatedField<string> ids, CancellationToken token)
    {
        var response = new ScoreAccountsResponse();
        var tally = new Tally();
        for (var i = 0; i < ids.Count; i++)
        {
            ThrowIfCancelledEvery(i, token);
            response.Results.Add(Account(snapshot, ids[i], ref tally) is { } score
                ? new AccountResult { Score = score }
                : new AccountResult { Error = ProtoMapping.NotFound(ids[i], "account") });
        }

        tally.Report(serving.Metrics);
        return response;
    }

    /// <summary>Every <see cref="Chunk"/> ids, stops the work of a cancelled call or one past its deadline.</summary>
    private static void ThrowIfCancelledEvery(int i, CancellationToken token)
    {
        if (i % Chunk == Chunk - 1)
        {
            token.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The (cached) score of a known opportunity id; null for an unknown one.</summary>
    private static OpportunityScore? Opportunity(ServingSnapshot snapshot, string id, ref Tally tally)
    {
        if (snapshot.Scores.TryGet(id, out var cached))
        {
            tally.OpportunityHits++;
            return cached;
        }

        if (!snapshot.Features.TryGetOpportunity(id, out var row))
        {
            return null;
        }

        tally.OpportunityMisses++;
        return snapshot.Scores.Keep(ProtoMapping.ToProto(snapshot.Opportunity.Score(row), snapshot.OpportunityModel, snapshot.BuildId, !row.IsClosed));
    }

    /// <summary>The (cached) score of a known account id; null for an unknown one.</summary>
    private static AccountScore? Account(ServingSnapshot snapshot, string id, ref Tally tally)
    {
        if (snapshot.Scores.TryGetAccount(id, out var cached))
        {
            tally.AccountHits++;
            return cached;
        }

        if (!snapshot.Features.TryGetAccount(id, out var row))
        {
            return null;
        }

        tally.AccountMisses++;
        return snapshot.Scores.Keep(ProtoMapping.ToProto(snapshot.Icp.Score(row), snapshot.IcpModel, snapshot.BuildId));
    }

    /// <summary>One call's (or stream batch's) scores of known ids, counted once at its end rather than per id.</summary>
    private struct Tally
    {
        public int OpportunityHits;
        public int OpportunityMisses;
        public int AccountHits;
        public int AccountMisses;

        public readonly void Report(Telemetry.ServerMetrics metrics)
        {
            metrics.Cache("opportunity", OpportunityHits, OpportunityMisses);
            metrics.Cache("account", AccountHits, AccountMisses);
            metrics.Served("opportunity", "by_id", OpportunityHits + OpportunityMisses);
            metrics.Served("account", "by_id", AccountHits + AccountMisses);
        }
    }

    /// <summary>Empty call: the transport's own cost (the serving benchmark's baseline).</summary>
    public override Task<Empty> Ping(Empty request, ServerCallContext context) => Task.FromResult(new Empty());
}
