using System.Threading.Channels;
using Grpc.Core;
using GtmMart.Contracts.V1;

namespace GtmMart.Server.Services;

/// <summary>
/// ScoreStream: bulk scoring over one bidirectional stream. Two stages: the call's own task reads requests and scores
/// them in batches; a writer task serializes and sends each batch's answers while the next batch is scored, so the
/// stream delivers close to the rate of scoring rather than scoring plus protobuf plus HTTP/2.
/// </summary>
public sealed partial class ScoringApi
{
    /// <summary>Ids from which the stream answers what has arrived (one flush), rather than waiting for more.</summary>
    public const int StreamBatch = 256;

    /// <summary>Scored batches waiting for the writer at most: enough to overlap the two stages, few enough to bound memory.</summary>
    private const int BatchesInFlight = 2;

    private static readonly WriteOptions BufferHint = new(WriteFlags.BufferHint);

    public override async Task ScoreStream(IAsyncStreamReader<ScoreStreamRequest> requestStream, IServerStreamWriter<ScoreStreamResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var token = context.CancellationToken;
        _ = serving.Snapshot();

        var answers = Channel.CreateBounded<ScoreStreamResponse[]>(
            new BoundedChannelOptions(BatchesInFlight) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        var sending = Task.Run(() => SendAsync(answers, responseStream, token), CancellationToken.None);
        try
        {
            await ScoreRequestsAsync(requestStream, answers.Writer, token).ConfigureAwait(false);
            answers.Writer.TryComplete();
        }
        catch (ChannelClosedException)
        {
            // The writer stopped first (the client went away, the call was cancelled): awaiting it below says why.
        }
        catch (Exception ex)
        {
            // Stop the writer with the same error, let it finish, then fail the call with it.
            answers.Writer.TryComplete(ex);
            await Task.WhenAny(sending).ConfigureAwait(false);
            _ = sending.Exception;
            throw;
        }

        await sending.ConfigureAwait(false);
    }

    /// <summary>
    /// Micro-batches without added latency: takes every request that has already arrived (MoveNext completed
    /// synchronously), up to <see cref="StreamBatch"/> ids, scores them and hands their answers to the writer. Bounded in
    /// ids, not messages, so the client reads one batch's answers while the server scores the next.
    /// </summary>
    private async Task ScoreRequestsAsync(IAsyncStreamReader<ScoreStreamRequest> requestStream, ChannelWriter<ScoreStreamResponse[]> answers, CancellationToken token)
    {
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
                await answers.WriteAsync(Answer(batch, token), token).ConfigureAwait(false);
                batch.Clear();
                ids = 0;
            }
        }

        if (batch.Count > 0)
        {
            await answers.WriteAsync(Answer(batch, token), token).ConfigureAwait(false);
        }
    }

    /// <summary>Sends each batch's answers in order, buffered, with one flush per batch.</summary>
    private static async Task SendAsync(Channel<ScoreStreamResponse[]> answers, IServerStreamWriter<ScoreStreamResponse> responseStream, CancellationToken token)
    {
        try
        {
            await foreach (var batch in answers.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                for (var i = 0; i < batch.Length; i++)
                {
                    // Buffer every response but the batch's last; writing that one flushes them all.
                    responseStream.WriteOptions = i < batch.Length - 1 ? BufferHint : null;
                    await responseStream.WriteAsync(batch[i], token).ConfigureAwait(false);
                }
            }
        }
        catch
        {
            // The scoring stage must not wait on a writer that is gone.
            answers.Writer.TryComplete();
            throw;
        }
    }

    /// <summary>The answers to one batch, in order, against the models current now (a reload takes effect mid-stream).</summary>
    private ScoreStreamResponse[] Answer(List<ScoreStreamRequest> batch, CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        var snapshot = serving.Snapshot();
        var opportunityModel = ProtoMapping.OpportunityModel(snapshot.Models);
        var icpModel = ProtoMapping.IcpModel(snapshot.Models);
        var responses = new ScoreStreamResponse[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            responses[i] = Answer(snapshot, batch[i], opportunityModel, icpModel, token);
        }

        return responses;
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

    private static ScoreStreamResponse Invalid(string id, string message) =>
        new() { Error = new ItemError { Id = id, Code = ProtoMapping.InvalidArgumentCode, Message = message } };
}
