using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using GtmMart.Contracts.V1;
using GtmMart.Server.Services;
using GtmMart.Serving;
using Spectre.Console;

namespace GtmMart.Cli.Commands;

public sealed partial class BenchServingCommand
{
    /// <summary>One ScoreStream, all requests written while a reader drains the responses, next to ScoreBatch of the same rows.</summary>
    private static async Task<StreamResult> MeasureStreamAsync(
        ScoringService.ScoringServiceClient client, CallOptions auth, ModelSet models, FeatureStore features, string[] ids, int items, CancellationToken cancellationToken)
    {
        // Warm-up: a short stream and a small batch.
        await StreamAsync(client, auth, ids, Math.Min(items, 2_000), cancellationToken).ConfigureAwait(false);
        var rows = Enumerable.Range(0, items).Select(i => features.TryGetOpportunity(ids[i % ids.Length], out var row) ? row : throw new InvalidOperationException(ids[i % ids.Length])).ToList();
        _ = models.Opportunity.ScoreBatch(rows.Take(2_000).ToList());

        var watch = Stopwatch.StartNew();
        var errors = await StreamAsync(client, auth, ids, items, cancellationToken).ConfigureAwait(false);
        var streamSeconds = watch.Elapsed.TotalSeconds;

        watch.Restart();
        var scores = models.Opportunity.ScoreBatch(rows);
        var batchSeconds = watch.Elapsed.TotalSeconds;
        if (scores.Count != items)
        {
            throw new InvalidOperationException($"ScoreBatch returned {scores.Count} scores for {items} rows");
        }

        var result = new StreamResult(items, streamSeconds, errors, batchSeconds);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"  ScoreStream {items:N0} items: {result.StreamPerSecond:N0} scores/s; in-process ScoreBatch: {result.BatchPerSecond:N0} scores/s"));
        return result;
    }

    private static readonly WriteOptions BufferHint = new(WriteFlags.BufferHint);

    private static async Task<long> StreamAsync(ScoringService.ScoringServiceClient client, CallOptions auth, string[] ids, int items, CancellationToken cancellationToken)
    {
        using var call = client.ScoreStream(auth.WithCancellationToken(cancellationToken));
        var reader = Task.Run(async () =>
        {
            long received = 0;
            long errors = 0;
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                received++;
                if (response.ResultCase != ScoreStreamResponse.ResultOneofCase.Opportunity)
                {
                    errors++;
                }
            }

            return received == items ? errors : throw new InvalidOperationException($"ScoreStream returned {received} responses for {items} requests");
        }, cancellationToken);
        for (var i = 0; i < items; i++)
        {
            // Buffered writes, flushed every StreamBatch requests and at the end, as a bulk client would send them.
            call.RequestStream.WriteOptions = (i + 1) % ScoringApi.StreamBatch == 0 || i == items - 1 ? null : BufferHint;
            await call.RequestStream.WriteAsync(new ScoreStreamRequest { OpportunityId = ids[i % ids.Length] }, cancellationToken).ConfigureAwait(false);
        }

        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        return await reader.ConfigureAwait(false);
    }
}
