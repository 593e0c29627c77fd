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
    private static ScoreOpportunitiesResponse Opportunities(ServingSnapshot snapshot, IReadOnlyList<string> ids, CancellationToken token)
    {
        var response = new ScoreOpportunitiesResponse();
        response.Results.AddRange(ResolveOpportunities(
            snapshot,
            ids,
            score => new OpportunityResult { Score = score },
            id => new OpportunityResult { Error = ProtoMapping.NotFound(id, "opportunity") },
            token));
        return response;
    }

    /// <summary>A result per (validated) account id, in order: a unary call's answer and a stream chunk's.</summary>
    private static ScoreAccountsResponse Accounts(ServingSnapshot snapshot, IReadOnlyList<string> ids, CancellationToken token)
    {
        var response = new ScoreAccountsResponse();
        response.Results.AddRange(ResolveAccounts(
            snapshot,
            ids,
            score => new AccountResult { Score = score },
            id => new AccountResult { Error = ProtoMapping.NotFound(id, "account") },
            token));
        return response;
    }

    /// <summary>A result per opportunity id: its (cached) score, or <paramref name="missing"/> for an unknown id.</summary>
    private static TResult[] ResolveOpportunities<TResult>(
        ServingSnapshot snapshot, IReadOnlyList<string> ids, Func<OpportunityScore, TResult> found, Func<string, TResult> missing, CancellationToken token)
    {
        var model = ProtoMapping.OpportunityModel(snapshot.Models);
        return Resolve<OpportunityFeatureRow, OpportunityScore, TResult>(
            ids,
            id => snapshot.Scores.TryGet(id, out var cached) ? cached : null,
            snapshot.Features.TryGetOpportunity,
            chunk => snapshot.Models.Opportunity.ScoreBatch(chunk).Select(score => snapshot.Scores.Keep(ProtoMapping.ToProto(score, model))),
            found,
            missing,
            token);
    }

    /// <summary>A result per account id: its (cached) score, or <paramref name="missing"/> for an unknown id.</summary>
    private static TResult[] ResolveAccounts<TResult>(
        ServingSnapshot snapshot, IReadOnlyList<string> ids, Func<AccountScore, TResult> found, Func<string, TResult> missing, CancellationToken token)
    {
        var model = ProtoMapping.IcpModel(snapshot.Models);
        return Resolve<AccountFeatureRow, AccountScore, TResult>(
            ids,
            id => snapshot.Scores.TryGetAccount(id, out var cached) ? cached : null,
            snapshot.Features.TryGetAccount,
            chunk => snapshot.Models.Icp.ScoreBatch(chunk).Select(score => snapshot.Scores.Keep(ProtoMapping.ToProto(score, model))),
            found,
            missing,
            token);
    }

    private delegate bool TryGetRow<TRow>(string id, out TRow row);

    /// <summary>
    /// One result per requested id, in request order: the cached score, else the score of a known id (scored in chunks,
    /// so a cancelled call or an exceeded deadline stops the work), else a per-item NOT_FOUND.
    /// </summary>
    private static TResult[] Resolve<TRow, TScore, TResult>(
        IReadOnlyList<string> ids,
        Func<string, TScore?> cached,
        TryGetRow<TRow> known,
        Func<TRow[], IEnumerable<TScore>> score,
        Func<TScore, TResult> found,
        Func<string, TResult> missing,
        CancellationToken token)
        where TScore : class
    {
        var results = new TResult[ids.Count];
        var pending = new List<(int Index, TRow Row)>();
        for (var i = 0; i < ids.Count; i++)
        {
            if (cached(ids[i]) is { } hit)
            {
                results[i] = found(hit);
            }
            else if (known(ids[i], out var row))
            {
                pending.Add((i, row));
            }
            else
            {
                results[i] = missing(ids[i]);
            }
        }

        foreach (var chunk in pending.Chunk(Chunk))
        {
            token.ThrowIfCancellationRequested();
            var k = 0;
            foreach (var s in score([.. chunk.Select(p => p.Row)]))
            {
                results[chunk[k++].Index] = found(s);
            }
        }

        return results;
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
        var responses = new ScoreStreamResponse[batch.Count];
        var opportunities = new List<(int Index, string Id)>();
        var accounts = new List<(int Index, string Id)>();
        for (var i = 0; i < batch.Count; i++)
        {
            var item = batch[i];
            switch (item.ItemCase)
            {
                case ScoreStreamRequest.ItemOneofCase.OpportunityId when string.IsNullOrWhiteSpace(item.OpportunityId):
                    responses[i] = Invalid(item.OpportunityId, "opportunity_id must not be empty");
                    break;
                case ScoreStreamRequest.ItemOneofCase.OpportunityId:
                    opportunities.Add((i, item.OpportunityId));
                    break;
                case ScoreStreamRequest.ItemOneofCase.AccountId when string.IsNullOrWhiteSpace(item.AccountId):
                    responses[i] = Invalid(item.AccountId, "account_id must not be empty");
                    break;
                case ScoreStreamRequest.ItemOneofCase.AccountId:
                    accounts.Add((i, item.AccountId));
                    break;
                case ScoreStreamRequest.ItemOneofCase.Opportunities:
                    var opportunityIds = item.Opportunities.OpportunityIds;
                    var badOpportunities = Violations.ForIds(opportunityIds, "opportunities.opportunity_ids", serving.MaxIdsPerRequest);
                    responses[i] = badOpportunities.Any
                        ? Invalid("", badOpportunities.ToString())
                        : new ScoreStreamResponse { Opportunities = Opportunities(snapshot, opportunityIds, token) };
                    break;
                case ScoreStreamRequest.ItemOneofCase.Accounts:
                    var accountIds = item.Accounts.AccountIds;
                    var badAccounts = Violations.ForIds(accountIds, "accounts.account_ids", serving.MaxIdsPerRequest);
                    responses[i] = badAccounts.Any
                        ? Invalid("", badAccounts.ToString())
                        : new ScoreStreamResponse { Accounts = Accounts(snapshot, accountIds, token) };
                    break;
                default:
                    responses[i] = Invalid("", "set opportunity_id, account_id, opportunities or accounts");
                    break;
            }
        }

        // The batch's opportunities and accounts are each scored in one go, as a unary call with many ids would be.
        Place(responses, opportunities, ResolveOpportunities(
            snapshot,
            [.. opportunities.Select(o => o.Id)],
            score => new ScoreStreamResponse { Opportunity = score },
            id => new ScoreStreamResponse { Error = ProtoMapping.NotFound(id, "opportunity") },
            token));
        Place(responses, accounts, ResolveAccounts(
            snapshot,
            [.. accounts.Select(a => a.Id)],
            score => new ScoreStreamResponse { Account = score },
            id => new ScoreStreamResponse { Error = ProtoMapping.NotFound(id, "account") },
            token));

        for (var i = 0; i < responses.Length; i++)
        {
            // Buffer every response but the batch's last; writing that one flushes them all.
            responseStream.WriteOptions = i < responses.Length - 1 ? BufferHint : null;
            await responseStream.WriteAsync(responses[i], token).ConfigureAwait(false);
        }
    }

    private static void Place(ScoreStreamResponse[] responses, List<(int Index, string Id)> items, ScoreStreamResponse[] results)
    {
        for (var k = 0; k < items.Count; k++)
        {
            responses[items[k].Index] = results[k];
        }
    }

    private static readonly WriteOptions BufferHint = new(WriteFlags.BufferHint);

    /// <summary>Empty call: the transport's own cost (the serving benchmark's baseline).</summary>
    public override Task<Empty> Ping(Empty request, ServerCallContext context) => Task.FromResult(new Empty());

    private static ScoreStreamResponse Invalid(string id, string message) =>
        new() { Error = new ItemError { Id = id, Code = ProtoMapping.InvalidArgumentCode, Message = message } };
}
