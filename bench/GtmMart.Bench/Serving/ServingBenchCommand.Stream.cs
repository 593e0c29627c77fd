using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using GtmMart.Contracts.V1;
using GtmMart.Server.Services;
using GtmMart.Serving;
using Spectre.Console;

namespace GtmMart.Bench.Serving;

public sealed partial class ServingBenchCommand
{
    /// <summary>Ids per message in the chunked stream.</summary>
    private const int StreamChunk = 256;

    /// <summary>Rounds the stream, the in-process batch and the chunked stream alternate in, so all three see the same background load.</summary>
    private const int StreamRounds = 3;

    /// <summary>
    /// <see cref="StreamRounds"/> rounds of: one ScoreStream with one id per message, ScoreBatch of the same rows, one
    /// ScoreStream with <see cref="StreamChunk"/> ids per message; all requests written while a reader drains the
    /// responses. Totals over the rounds.
    /// </summary>
    private static async Task<StreamResult> MeasureStreamAsync(
        ScoringService.ScoringServiceClient client, CallOptions auth, ServingSnapshot snapshot, string[] ids, int items, CancellationToken cancellationToken)
    {
        var models = snapshot.Models;
        var features = snapshot.Features;
        // Warm-up: a short stream of each kind and a small batch.
        await StreamAsync(client, auth, ids, Math.Min(items, 2_000), 1, cancellationToken).ConfigureAwait(false);
        await StreamAsync(client, auth, ids, Math.Min(items, 2_000), StreamChunk, cancellationToken).ConfigureAwait(false);
        var perRound = Math.Max(1, items / StreamRounds);
        var rows = Enumerable.Range(0, perRound).Select(i => features.TryGetOpportunity(ids[i % ids.Length], out var row) ? row : throw new InvalidOperationException(ids[i % ids.Length])).ToList();
        _ = models.Opportunity.ScoreBatch(rows.Take(2_000).ToList());

        var streamRounds = new List<double>();
        var batchRounds = new List<double>();
        var chunkedRounds = new List<double>();
        var workRounds = new List<StreamWork>();
        long errors = 0, chunkedErrors = 0;
        var cpu = new double[3];
        for (var round = 0; round < StreamRounds; round++)
        {
            var watch = Stopwatch.StartNew();
            var cpuAt = Environment.CpuUsage.TotalTime;
            errors += await StreamAsync(client, auth, ids, perRound, 1, cancellationToken).ConfigureAwait(false);
            streamRounds.Add(watch.Elapsed.TotalSeconds);
            cpu[0] += Lap(ref cpuAt);

            watch.Restart();
            var scores = models.Opportunity.ScoreBatch(rows);
            batchRounds.Add(watch.Elapsed.TotalSeconds);
            cpu[1] += Lap(ref cpuAt);
            if (scores.Count != perRound)
            {
                throw new InvalidOperationException($"ScoreBatch returned {scores.Count} scores for {perRound} rows");
            }

            // The floor: what the chunked stream must add to the batch's scoring (answers mapped, encoded, parsed).
            workRounds.Add(MeasureStreamWork(snapshot, scores, rows));

            watch.Restart();
            cpuAt = Environment.CpuUsage.TotalTime;
            chunkedErrors += await StreamAsync(client, auth, ids, perRound, StreamChunk, cancellationToken).ConfigureAwait(false);
            chunkedRounds.Add(watch.Elapsed.TotalSeconds);
            cpu[2] += Lap(ref cpuAt);
        }

        var result = new StreamResult(perRound * StreamRounds, errors, chunkedErrors, streamRounds, chunkedRounds, batchRounds, workRounds, cpu[0], cpu[2], cpu[1]);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"  ScoreStream {result.Items:N0} items: {result.StreamPerSecond:N0} scores/s one id a message, {result.ChunkedPerSecond:N0} scores/s {StreamChunk} a message; in-process ScoreBatch: {result.BatchPerSecond:N0} scores/s; its answers mapped, encoded and parsed in process: {workRounds.Sum(w => w.MapSeconds):0.00} + {workRounds.Sum(w => w.EncodeSeconds):0.00} + {workRounds.Sum(w => w.ParseSeconds):0.00} s"));
        return result;
    }

    /// <summary>Process CPU seconds since <paramref name="from"/>, which moves to now.</summary>
    private static double Lap(ref TimeSpan from)
    {
        var now = Environment.CpuUsage.TotalTime;
        var seconds = (now - from).TotalSeconds;
        from = now;
        return seconds;
    }

    private static readonly WriteOptions BufferHint = new(WriteFlags.BufferHint);

    /// <summary>Streams <paramref name="items"/> opportunity ids, <paramref name="chunk"/> per message (1: the single-id form); returns the item errors.</summary>
    private static async Task<long> StreamAsync(
        ScoringService.ScoringServiceClient client, CallOptions auth, string[] ids, int items, int chunk, CancellationToken cancellationToken)
    {
        using var call = client.ScoreStream(auth.WithCancellationToken(cancellationToken));
        var reader = Task.Run(async () =>
        {
            long received = 0;
            long errors = 0;
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                switch (response.ResultCase)
                {
                    case ScoreStreamResponse.ResultOneofCase.Opportunity:
                        received++;
                        break;
                    case ScoreStreamResponse.ResultOneofCase.Opportunities:
                        received += response.Opportunities.Results.Count;
                        errors += response.Opportunities.Results.Count(r => r.ResultCase != OpportunityResult.ResultOneofCase.Score);
                        break;
                    default:
                        received += chunk;
                        errors += chunk;
                        break;
                }
            }

            return received == items ? errors : throw new InvalidOperationException($"ScoreStream returned {received} results for {items} ids");
        }, cancellationToken);
        var messages = (items + chunk - 1) / chunk;
        for (var m = 0; m < messages; m++)
        {
            // Buffered writes, flushed every StreamBatch ids and at the end, as a bulk client would send them.
            call.RequestStream.WriteOptions = (m + 1) % Math.Max(1, ScoringApi.StreamBatch / chunk) == 0 || m == messages - 1 ? null : BufferHint;
            var first = m * chunk;
            var count = Math.Min(chunk, items - first);
            var request = chunk == 1
                ? new ScoreStreamRequest { OpportunityId = ids[first % ids.Length] }
                : new ScoreStreamRequest { Opportunities = new ScoreOpportunitiesRequest { OpportunityIds = { Enumerable.Range(first, count).Select(i => ids[i % ids.Length]) } } };
            await call.RequestStream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
        }

        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        return await reader.ConfigureAwait(false);
    }
}
