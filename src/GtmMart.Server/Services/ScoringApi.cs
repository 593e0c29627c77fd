using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using GtmMart.Contracts.V1;
using GtmMart.Server.Telemetry;

namespace GtmMart.Server.Services;

/// <summary>
/// gtm.v1.ScoringService over the in-memory features and the served models. Never queries the warehouse.
/// Every id is resolved the same way (cached score, else scored from its feature row, else a per-item NOT_FOUND), and a
/// long list is checked for cancellation as it goes, so a cancelled call or an exceeded deadline stops the work.
/// </summary>
public sealed partial class ScoringApi(ServingAccess serving) : ScoringService.ScoringServiceBase
{
    private const int Chunk = 512;

    /// <summary>Ids from which one call's (or stream chunk's) list is scored over every core.</summary>
    private const int ParallelFrom = 64;

    /// <summary>Ids per range when a list is scored over the cores.</summary>
    private const int ParallelRange = 32;

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
        serving.Metrics.Served(ScoreKind.Opportunity, ScoreSource.Inline, 1);
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
        Results(ids, new OpportunityResults(snapshot), response.Results, token);
        return response;
    }

    /// <summary>A result per (validated) account id, in order: a unary call's answer and a stream chunk's.</summary>
    private ScoreAccountsResponse Accounts(ServingSnapshot snapshot, RepeatedField<string> ids, CancellationToken token)
    {
        var response = new ScoreAccountsResponse();
        Results(ids, new AccountResults(snapshot), response.Results, token);
        return response;
    }

    /// <summary>How one id becomes its result message (a score, or a per-item NOT_FOUND), counting cache hits and misses.</summary>
    private interface IResultOf<out TResult>
    {
        TResult Of(string id, ref Tally tally);
    }

    private readonly struct OpportunityResults(ServingSnapshot snapshot) : IResultOf<OpportunityResult>
    {
        public OpportunityResult Of(string id, ref Tally tally) => Opportunity(snapshot, id, ref tally) is { } score
            ? new OpportunityResult { Score = score }
            : new OpportunityResult { Error = ProtoMapping.NotFound(id, "opportunity") };
    }

    private readonly struct AccountResults(ServingSnapshot snapshot) : IResultOf<AccountResult>
    {
        public AccountResult Of(string id, ref Tally tally) => Account(snapshot, id, ref tally) is { } score
            ? new AccountResult { Score = score }
            : new AccountResult { Error = ProtoMapping.NotFound(id, "account") };
    }

    /// <summary>
    /// Each id's result, in order, added to <paramref name="into"/>, with the cache hits and misses counted once. A
    /// short list (every one-id call) is resolved on the call's thread straight into the answer, with no delegate,
    /// closure or intermediate array; from <see cref="ParallelFrom"/> ids on (a bulk call or a stream chunk, whose ids
    /// are independent) in ranges of <see cref="ParallelRange"/> over the cores, each result in its own slot, so the
    /// order is kept. A failure surfaces as itself, as on one thread.
    /// </summary>
    private void Results<TResult, TResultOf>(RepeatedField<string> ids, TResultOf resultOf, RepeatedField<TResult> into, CancellationToken token)
        where TResultOf : struct, IResultOf<TResult>
    {
        var tally = new Tally();
        if (ids.Count < ParallelFrom || Environment.ProcessorCount == 1)
        {
            // Sized for the ids rather than grown to protobuf's first 8 slots (a one-id call's answer holds one).
            into.Capacity = into.Count + ids.Count;
            for (var i = 0; i < ids.Count; i++)
            {
                ThrowIfCancelledEvery(i, token);
                into.Add(resultOf.Of(ids[i], ref tally));
            }
        }
        else
        {
            var results = new TResult[ids.Count];
            var gate = new Lock();
            try
            {
                Parallel.ForEach(Partitioner.Create(0, ids.Count, ParallelRange), new ParallelOptions { CancellationToken = token }, range =>
                {
                    var local = new Tally();
                    for (var i = range.Item1; i < range.Item2; i++)
                    {
                        ThrowIfCancelledEvery(i, token);
                        results[i] = resultOf.Of(ids[i], ref local);
                    }

                    lock (gate)
                    {
                        tally.Add(local);
                    }
                });
            }
            catch (AggregateException ex) when (ex.InnerExceptions.Count >= 1)
            {
                ExceptionDispatchInfo.Throw(ex.InnerExceptions[0]);
            }

            into.AddRange(results);
        }

        tally.Report(serving.Metrics);
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

        public void Add(in Tally other)
        {
            OpportunityHits += other.OpportunityHits;
            OpportunityMisses += other.OpportunityMisses;
            AccountHits += other.AccountHits;
            AccountMisses += other.AccountMisses;
        }

        public readonly void Report(ServerMetrics metrics)
        {
            metrics.Cache(ScoreKind.Opportunity, OpportunityHits, OpportunityMisses);
            metrics.Cache(ScoreKind.Account, AccountHits, AccountMisses);
            metrics.Served(ScoreKind.Opportunity, ScoreSource.ById, OpportunityHits + OpportunityMisses);
            metrics.Served(ScoreKind.Account, ScoreSource.ById, AccountHits + AccountMisses);
        }
    }

    /// <summary>Empty call: the transport's own cost (the serving benchmark's baseline).</summary>
    public override Task<Empty> Ping(Empty request, ServerCallContext context) => Task.FromResult(new Empty());
}
