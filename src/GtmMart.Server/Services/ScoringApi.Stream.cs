using System.Threading.Channels;
using Grpc.Core;
using GtmMart.Contracts.V1;

namespace GtmMart.Server.Services;

/// <summary>
/// ScoreStream: bulk scoring over one bidirectional stream. The call's own task reads requests and scores them in
/// batches; for chunked (bulk) streams a writer task serializes and sends each batch's answers while the next batch is
/// scored, so the stream delivers closer to the rate of scoring than to scoring plus protobuf plus HTTP/2.
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

        var answers = new StreamAnswers(responseStream, batch => Answers(batch, token), token);
        try
        {
            await ScoreRequestsAsync(requestStream, answers, token).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // The writer task stopped first (the client went away, the call was cancelled): completing says why.
        }
        catch (Exception ex)
        {
            await answers.FailAsync(ex).ConfigureAwait(false);
            throw;
        }

        await answers.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Micro-batches without added latency: takes every request that has already arrived (MoveNext completed
    /// synchronously), up to <see cref="StreamBatch"/> ids, scores them and hands their answers on. Bounded in ids, not
    /// messages, so the client reads one batch's answers while the server scores the next.
    /// </summary>
    private static async Task ScoreRequestsAsync(IAsyncStreamReader<ScoreStreamRequest> requestStream, StreamAnswers answers, CancellationToken token)
    {
        var batch = new List<ScoreStreamRequest>(StreamBatch);
        var ids = 0;
        var chunks = false;
        var next = requestStream.MoveNext(token);
        while (await Next(next, batch, chunks, answers).ConfigureAwait(false))
        {
            var item = requestStream.Current;
            batch.Add(item);
            var count = item.ItemCase switch
            {
                ScoreStreamRequest.ItemOneofCase.Opportunities => item.Opportunities.OpportunityIds.Count,
                ScoreStreamRequest.ItemOneofCase.Accounts => item.Accounts.AccountIds.Count,
                _ => 0,
            };
            chunks |= count > 0;
            ids += Math.Max(1, count);
            next = requestStream.MoveNext(token);
            if (!next.IsCompleted || ids >= StreamBatch)
            {
                await answers.AddAsync(batch, chunks).ConfigureAwait(false);
                batch.Clear();
                ids = 0;
                chunks = false;
            }
        }

        if (batch.Count > 0)
        {
            await answers.AddAsync(batch, chunks).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The next request, or false at the end of the stream. When reading it fails (a message that does not parse, a
    /// broken stream) the requests already read are answered first, then the error ends the call: a valid message
    /// before garbage still gets its answer.
    /// </summary>
    private static async Task<bool> Next(Task<bool> next, List<ScoreStreamRequest> batch, bool chunks, StreamAnswers answers)
    {
        try
        {
            return await next.ConfigureAwait(false);
        }
        catch (Exception ex) when (batch.Count > 0 && ex is RpcException or Google.Protobuf.InvalidProtocolBufferException)
        {
            await answers.AddAsync(batch, chunks).ConfigureAwait(false);
            batch.Clear();
            throw;
        }
    }

    /// <summary>
    /// Where a stream's answers go. While the stream carries single ids the scoring task writes each answer as it makes
    /// it: the cost is per message, and a second stage would only add a hop and take a core from the client. From the
    /// first batch holding a chunk on, a writer task serializes and sends each scored batch while the next one is
    /// scored (bulk: protobuf and HTTP/2 overlap scoring), with at most <see cref="BatchesInFlight"/> waiting. Never
    /// back to inline, so answers stay in order.
    /// </summary>
    private sealed class StreamAnswers(
        IServerStreamWriter<ScoreStreamResponse> responseStream, Func<List<ScoreStreamRequest>, IEnumerable<ScoreStreamResponse>> answer, CancellationToken token)
    {
        private Channel<ScoreStreamResponse[]>? _queue;
        private Task? _sending;

        /// <summary>Answers <paramref name="requests"/> (not kept after this returns); <paramref name="bulk"/>: they hold a chunk.</summary>
        public async Task AddAsync(List<ScoreStreamRequest> requests, bool bulk)
        {
            if (_queue is null && !bulk)
            {
                await WriteAsync(responseStream, answer(requests), requests.Count, token).ConfigureAwait(false);
                return;
            }

            ScoreStreamResponse[] batch = [.. answer(requests)];

            if (_queue is null)
            {
                var queue = _queue = Channel.CreateBounded<ScoreStreamResponse[]>(
                    new BoundedChannelOptions(BatchesInFlight) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
                _sending = Task.Run(() => SendAsync(queue, responseStream, token), CancellationToken.None);
            }

            await _queue.Writer.WriteAsync(batch, token).ConfigureAwait(false);
        }

        /// <summary>No more batches: waits for the writer task to send what it holds (or rethrows why it stopped).</summary>
        public Task CompleteAsync()
        {
            _queue?.Writer.TryComplete();
            return _sending ?? Task.CompletedTask;
        }

        /// <summary>Scoring failed: stops the writer task with the same error and lets it finish.</summary>
        public async Task FailAsync(Exception error)
        {
            if (_queue is null || _sending is null)
            {
                return;
            }

            _queue.Writer.TryComplete(error);
            await Task.WhenAny(_sending).ConfigureAwait(false);
            _ = _sending.Exception;
        }

        /// <summary>The writer task: sends each batch in order.</summary>
        private static async Task SendAsync(Channel<ScoreStreamResponse[]> queue, IServerStreamWriter<ScoreStreamResponse> responseStream, CancellationToken token)
        {
            try
            {
                await foreach (var batch in queue.Reader.ReadAllAsync(token).ConfigureAwait(false))
                {
                    await WriteAsync(responseStream, batch, batch.Length, token).ConfigureAwait(false);
                }
            }
            catch
            {
                // The scoring task must not wait on a writer that is gone.
                queue.Writer.TryComplete();
                throw;
            }
        }

        /// <summary>One batch's <paramref name="count"/> answers, buffered, with one flush at its last.</summary>
        private static async Task WriteAsync(IServerStreamWriter<ScoreStreamResponse> responseStream, IEnumerable<ScoreStreamResponse> batch, int count, CancellationToken token)
        {
            var written = 0;
            foreach (var response in batch)
            {
                responseStream.WriteOptions = ++written < count ? BufferHint : null;
                await responseStream.WriteAsync(response, token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The answers to one batch, in order, made as they are enumerated, against the models current at its start (a
    /// reload takes effect mid-stream).
    /// </summary>
    private IEnumerable<ScoreStreamResponse> Answers(List<ScoreStreamRequest> batch, CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        var snapshot = serving.Snapshot();
        var tally = new Tally();
        foreach (var item in batch)
        {
            yield return Answer(snapshot, item, ref tally, token);
        }

        tally.Report(serving.Metrics);
    }

    /// <summary>
    /// The answer to one stream request: a score, a chunk's results, or an item error. A single id follows the rule of
    /// every id in every rpc (<see cref="Violations.IdProblem"/>), and an error echoes at most a bounded prefix of it.
    /// </summary>
    private ScoreStreamResponse Answer(ServingSnapshot snapshot, ScoreStreamRequest item, ref Tally tally, CancellationToken token)
    {
        // Ids are read as everywhere else: trimmed.
        switch (item.ItemCase)
        {
            case ScoreStreamRequest.ItemOneofCase.OpportunityId:
                item.OpportunityId = RequestText.Id(item.OpportunityId);
                break;
            case ScoreStreamRequest.ItemOneofCase.AccountId:
                item.AccountId = RequestText.Id(item.AccountId);
                break;
            case ScoreStreamRequest.ItemOneofCase.Opportunities:
                RequestText.TrimIds(item.Opportunities.OpportunityIds);
                break;
            case ScoreStreamRequest.ItemOneofCase.Accounts:
                RequestText.TrimIds(item.Accounts.AccountIds);
                break;
        }

        switch (item.ItemCase)
        {
            case ScoreStreamRequest.ItemOneofCase.OpportunityId:
                return Violations.IdProblem(item.OpportunityId) is { } badOpportunity ? Invalid(item.OpportunityId, "opportunity_id " + badOpportunity)
                    : Opportunity(snapshot, item.OpportunityId, ref tally) is { } opportunity ? new ScoreStreamResponse { Opportunity = opportunity }
                    : new ScoreStreamResponse { Error = ProtoMapping.NotFound(item.OpportunityId, "opportunity") };
            case ScoreStreamRequest.ItemOneofCase.AccountId:
                return Violations.IdProblem(item.AccountId) is { } badAccount ? Invalid(item.AccountId, "account_id " + badAccount)
                    : Account(snapshot, item.AccountId, ref tally) is { } account ? new ScoreStreamResponse { Account = account }
                    : new ScoreStreamResponse { Error = ProtoMapping.NotFound(item.AccountId, "account") };
            case ScoreStreamRequest.ItemOneofCase.Opportunities:
                return Violations.ForIds(item.Opportunities.OpportunityIds, "opportunities.opportunity_ids", serving.MaxIdsPerRequest) is { Any: true } badChunk
                    ? Invalid("", badChunk.ToString())
                    : new ScoreStreamResponse { Opportunities = Opportunities(snapshot, item.Opportunities.OpportunityIds, token) };
            case ScoreStreamRequest.ItemOneofCase.Accounts:
                return Violations.ForIds(item.Accounts.AccountIds, "accounts.account_ids", serving.MaxIdsPerRequest) is { Any: true } badAccounts
                    ? Invalid("", badAccounts.ToString())
                    : new ScoreStreamResponse { Accounts = Accounts(snapshot, item.Accounts.AccountIds, token) };
            default:
                return Invalid("", "set opportunity_id, account_id, opportunities or accounts");
        }
    }

    private static ScoreStreamResponse Invalid(string id, string message) =>
        new() { Error = new ItemError { Id = ProtoMapping.Echo(id), Code = ProtoMapping.InvalidArgumentCode, Message = message } };
}
