using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using GtmMart.Contracts.V1;
using GtmMart.Scoring.Features;

namespace GtmMart.Server.Services;

/// <summary>
/// gtm.v1.ScoringService over the in-memory features and the served models. Never queries the warehouse.
/// Large batches are scored in chunks so a cancelled call or an exceeded deadline stops the work.
/// </summary>
public sealed class ScoringApi(ServingAccess serving) : ScoringService.ScoringServiceBase
{
    private const int Chunk = 512;

    public override Task<ScoreOpportunitiesResponse> ScoreOpportunities(ScoreOpportunitiesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        Violations.CheckIds(request.OpportunityIds, "opportunity_ids", serving.MaxIdsPerRequest);
        var snapshot = serving.Snapshot();
        var model = ProtoMapping.OpportunityModel(snapshot.Models);

        var rows = new List<OpportunityFeatureRow>();
        foreach (var id in request.OpportunityIds)
        {
            if (snapshot.Features.TryGetOpportunity(id, out var row))
            {
                rows.Add(row);
            }
        }

        var scores = new Dictionary<string, OpportunityScore>(StringComparer.Ordinal);
        foreach (var chunk in rows.Chunk(Chunk))
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            foreach (var score in snapshot.Models.Opportunity.ScoreBatch(chunk))
            {
                scores[score.OpportunityId] = ProtoMapping.ToProto(score, model);
            }
        }

        var response = new ScoreOpportunitiesResponse();
        foreach (var id in request.OpportunityIds)
        {
            response.Results.Add(scores.TryGetValue(id, out var score)
                ? new OpportunityResult { Score = score }
                : new OpportunityResult { Error = ProtoMapping.NotFound(id, "opportunity") });
        }

        return Task.FromResult(response);
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
        var snapshot = serving.Snapshot();
        var model = ProtoMapping.IcpModel(snapshot.Models);

        var rows = new List<AccountFeatureRow>();
        foreach (var id in request.AccountIds)
        {
            if (snapshot.Features.TryGetAccount(id, out var row))
            {
                rows.Add(row);
            }
        }

        var scores = new Dictionary<string, AccountScore>(StringComparer.Ordinal);
        foreach (var chunk in rows.Chunk(Chunk))
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            foreach (var score in snapshot.Models.Icp.ScoreBatch(chunk))
            {
                scores[score.AccountId] = ProtoMapping.ToProto(score, model);
            }
        }

        var response = new ScoreAccountsResponse();
        foreach (var id in request.AccountIds)
        {
            response.Results.Add(scores.TryGetValue(id, out var score)
                ? new AccountResult { Score = score }
                : new AccountResult { Error = ProtoMapping.NotFound(id, "account") });
        }

        return Task.FromResult(response);
    }

    public override async Task ScoreStream(IAsyncStreamReader<ScoreStreamRequest> requestStream, IServerStreamWriter<ScoreStreamResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var token = context.CancellationToken;
        _ = serving.Snapshot();

        // Micro-batches without added latency: take every request that has already arrived (MoveNext completed
        // synchronously), up to StreamBatch, then answer them with one flush instead of one per response.
        var batch = new List<ScoreStreamRequest>(StreamBatch);
        var next = requestStream.MoveNext(token);
        while (await next.ConfigureAwait(false))
        {
            batch.Add(requestStream.Current);
            next = requestStream.MoveNext(token);
            if (!next.IsCompleted || batch.Count >= StreamBatch)
            {
                await AnswerAsync(batch, responseStream, token).ConfigureAwait(false);
                batch.Clear();
            }
        }

        await AnswerAsync(batch, responseStream, token).ConfigureAwait(false);
    }

    /// <summary>Largest number of stream items answered between two flushes.</summary>
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
        for (var i = 0; i < batch.Count; i++)
        {
            // Buffer every response but the batch's last; writing that one flushes them all.
            responseStream.WriteOptions = i < batch.Count - 1 ? BufferHint : null;
            await responseStream.WriteAsync(Answer(batch[i], snapshot), token).ConfigureAwait(false);
        }
    }

    private static readonly WriteOptions BufferHint = new(WriteFlags.BufferHint);

    private static ScoreStreamResponse Answer(ScoreStreamRequest item, ServingSnapshot snapshot) => item.ItemCase switch
    {
        ScoreStreamRequest.ItemOneofCase.OpportunityId when string.IsNullOrWhiteSpace(item.OpportunityId) =>
            Invalid(item.OpportunityId, "opportunity_id must not be empty"),
        ScoreStreamRequest.ItemOneofCase.OpportunityId =>
            snapshot.Features.TryGetOpportunity(item.OpportunityId, out var opportunity)
                ? new ScoreStreamResponse { Opportunity = ProtoMapping.ToProto(snapshot.Models.Opportunity.Score(opportunity), ProtoMapping.OpportunityModel(snapshot.Models)) }
                : new ScoreStreamResponse { Error = ProtoMapping.NotFound(item.OpportunityId, "opportunity") },
        ScoreStreamRequest.ItemOneofCase.AccountId when string.IsNullOrWhiteSpace(item.AccountId) =>
            Invalid(item.AccountId, "account_id must not be empty"),
        ScoreStreamRequest.ItemOneofCase.AccountId =>
            snapshot.Features.TryGetAccount(item.AccountId, out var account)
                ? new ScoreStreamResponse { Account = ProtoMapping.ToProto(snapshot.Models.Icp.Score(account), ProtoMapping.IcpModel(snapshot.Models)) }
                : new ScoreStreamResponse { Error = ProtoMapping.NotFound(item.AccountId, "account") },
        _ => Invalid("", "set opportunity_id or account_id"),
    };

    /// <summary>Empty call: the transport's own cost (the serving benchmark's baseline).</summary>
    public override Task<Empty> Ping(Empty request, ServerCallContext context) => Task.FromResult(new Empty());

    private static ScoreStreamResponse Invalid(string id, string message) =>
        new() { Error = new ItemError { Id = id, Code = ProtoMapping.InvalidArgumentCode, Message = message } };
}
