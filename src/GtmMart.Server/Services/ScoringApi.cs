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
public sealed class ScoringApi(ServingAccess serving) : ScoringService.ScoringServiceBase
{
    private const int Chunk = 512;

    public override Task<ScoreOpportunitiesResponse> ScoreOpportunities(ScoreOpportunitiesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        Violations.CheckIds(request.OpportunityIds, "opportunity_ids", serving.MaxIdsPerRequest);
        return Task.FromResult(Opportunities(serving.Snapshot(), request.OpportunityIds, context.CancellationToken));
    }

    public override Task<OpportunityScore> ScoreOpportunityInline(InlineOpportunity request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ProtoMapping.Validate(request);
        var snapshot = serving.Snapshot();
        var score = snapshot.Models.Opportunity.Score(ProtoMapping.ToRow(request));
        return Task.FromResult(ProtoMapping.ToProto(score, ProtoMapping.OpportunityModel(snapshot.Models)));
    }

    public override Task<ScoreAccountsResponse> ScoreAccounts(ScoreAccountsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        Violations.CheckIds(request.AccountIds, "account_ids", serving.MaxIdsPerRequest);
        return Task.FromResult(Accounts(serving.Snapshot(), request.AccountIds, context.CancellationToken));
    }

    /// <summary>A result per (validated) opportunity id, in order: a unary call's answer and a stream chunk's.</summary>
    private static ScoreOpportunitiesResponse Opportunities(ServingSnapshot snapshot, RepeatedField<string> ids, CancellationToken token)
    {
        var response = new ScoreOpportunitiesResponse();
        var model = ProtoMapping.OpportunityModel(snapshot.Models);
        for (var i = 0; i < ids.Count; i++)
        {
            ThrowIfCancelledEvery(i, token);
            response.Results.Add(Opportunity(snapshot, ids[i], model) is { } score
                ? new OpportunityResult { Score = score }
                : new OpportunityResult { Error = ProtoMapping.NotFound(ids[i], "opportunity") });
        }

        return response;
    }

    /// <summary>A result per (validated) account id, in order: a unary call's answer and a stream chunk's.</summary>
    private static ScoreAccountsResponse Accounts(ServingSnapshot snapshot, RepeatedField<string> ids, CancellationToken token)
    {
        var response = new ScoreAccountsResponse();
        var model = ProtoMapping.IcpModel(snapshot.Models);
        for (var i = 0; i < ids.Count; i++)
        {
            ThrowIfCancelledEvery(i, token);
            response.Results.Add(Account(snapshot, ids[i], model) is { } score
                ? new AccountResult { Score = score }
                : new AccountResult { Error = ProtoMapping.NotFound(ids[i], "account") });
        }

        return response;
    }

    /// <summary>The (cached) score of a known opportunity id; null for an unknown one.</summary>
    private static OpportunityScore? Opportunity(ServingSnapshot snapshot, string id, ModelRef model) =>
        snapshot.Scores.TryGet(id, out var cached) ? cached
        : snapshot.Features.TryGetOpportunity(id, out var row) ? snapshot.Scores.Keep(ProtoMapping.ToProto(snapshot.Models.Opportunity.Score(row), model))
        : null;

    /// <summary>The (cached) score of a known account id; null for an unknown one.</summary>
    private static AccountScore? Account(ServingSnapshot snapshot, string id, ModelRef model) =>
        snapshot.Scores.TryGetAccount(id, out var cached) ? cached
        : snapshot.Features.TryGetAccount(id, out var row) ? snapshot.Scores.Keep(ProtoMapping.ToProto(snapshot.Models.Icp.Score(row), model))
        : null;

    /// <summary>Every <see cref="Chunk"/> ids, stops the work of a cancelled call or one past its deadline.</summary>
    private static void ThrowIfCancelledEvery(int i, CancellationToken token)
    {
        if (i % Chunk == Chunk - 1)
        {
            token.ThrowIfCancellationRequested();
        }
    }

    public override async Task ScoreStream(IAsyncStreamReader<ScoreStreamRequest> requestStream, IServerStreamWriter<ScoreStreamResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var token = context.CancellationToken;
        _ = serving.Snapshot();

        // Micro-batches without added latency: take every request that has already arrived (MoveNext completed
        // synchronously), up to StreamBatch ids, then answer them with one flush instead of one per response. Bounded
        // in ids, not messages, so the client reads one batch's answers while the server scores the next.
        var batch = new List<ScoreStreamRequest>(StreamBatch);
        var ids = 0;
        var next = requestStream.MoveNext(token);
        while (await next.ConfigureAwait(false))
        {
            var item = requestStream.Current;
            batch.Add(item);
            ids += item.ItemCase switch
            {
                ScoreStreamRequest.ItemOneofCase.Opportunities => item.Opportunities.OpportunityIds.Count,
                ScoreStreamRequest.ItemOneofCase.Accounts => item.Accounts.AccountIds.Count,
                _ => 1,
            };
            next = requestStream.MoveNext(token);
            if (!next.IsCompleted || ids >= StreamBatch)
            {
                await AnswerAsync(batch, responseStream, token).ConfigureAwait(false);
                batch.Clear();
                ids = 0;
            }
        }

        await AnswerAsync(batch, responseStream, token).ConfigureAwait(false);
    }

    /// <summary>Ids from which the stream answers what has arrived (one flush), rather than waiting for more.</summary>
    public const int StreamBatch = 256;

    private async Task AnswerAsync(List<ScoreStreamRequest> batch, IServerStreamWriter<ScoreStreamResponse> responseStream, CancellationToken token)
    {
        if (batch.Count == 0)
        {
            return;
        }

        token.ThrowIfCancellationRequested();

        // Each batch sees the models current when it is answered, so a reload takes effect mid-stream without errors.
        var snapshot = serving.Snapshot();
        var opportunityModel = ProtoMapping.OpportunityModel(snapshot.Models);
        var icpModel = ProtoMapping.IcpModel(snapshot.Models);
        for (var i = 0; i < batch.Count; i++)
        {
            // Buffer every response but the batch's last; writing that one flushes them all.
            responseStream.WriteOptions = i < batch.Count - 1 ? BufferHint : null;
            await responseStream.WriteAsync(Answer(snapshot, batch[i], opportunityModel, icpModel, token), token).ConfigureAwait(false);
        }
    }

    /// <summary>The answer to one stream request: a score, a chunk's results, or an item error.</summary>
    private ScoreStreamResponse Answer(ServingSnapshot snapshot, ScoreStreamRequest item, ModelRef opportunityModel, ModelRef icpModel, CancellationToken token) =>
        item.ItemCase switch
        {
            ScoreStreamRequest.ItemOneofCase.OpportunityId when string.IsNullOrWhiteSpace(item.OpportunityId) =>
                Invalid(item.OpportunityId, "opportunity_id must not be empty"),
            ScoreStreamRequest.ItemOneofCase.OpportunityId => Opportunity(snapshot, item.OpportunityId, opportunityModel) is { } score
                ? new ScoreStreamResponse { Opportunity = score }
                : new ScoreStreamResponse { Error = ProtoMapping.NotFound(item.OpportunityId, "opportunity") },
            ScoreStreamRequest.ItemOneofCase.AccountId when string.IsNullOrWhiteSpace(item.AccountId) =>
                Invalid(item.AccountId, "account_id must not be empty"),
            ScoreStreamRequest.ItemOneofCase.AccountId => Account(snapshot, item.AccountId, icpModel) is { } score
                ? new ScoreStreamResponse { Account = score }
                : new ScoreStreamResponse { Error = ProtoMapping.NotFound(item.AccountId, "account") },
            ScoreStreamRequest.ItemOneofCase.Opportunities =>
                Violations.ForIds(item.Opportunities.OpportunityIds, "opportunities.opportunity_ids", serving.MaxIdsPerRequest) is { Any: true } bad
                    ? Invalid("", bad.ToString())
                    : new ScoreStreamResponse { Opportunities = Opportunities(snapshot, item.Opportunities.OpportunityIds, token) },
            ScoreStreamRequest.ItemOneofCase.Accounts =>
                Violations.ForIds(item.Accounts.AccountIds, "accounts.account_ids", serving.MaxIdsPerRequest) is { Any: true } bad
                    ? Invalid("", bad.ToString())
                    : new ScoreStreamResponse { Accounts = Accounts(snapshot, item.Accounts.AccountIds, token) },
            _ => Invalid("", "set opportunity_id, account_id, opportunities or accounts"),
        };

    private static readonly WriteOptions BufferHint = new(WriteFlags.BufferHint);

    /// <summary>Empty call: the transport's own cost (the serving benchmark's baseline).</summary>
    public override Task<Empty> Ping(Empty request, ServerCallContext context) => Task.FromResult(new Empty());

    private static ScoreStreamResponse Invalid(string id, string message) =>
        new() { Error = new ItemError { Id = id, Code = ProtoMapping.InvalidArgumentCode, Message = message } };
}
