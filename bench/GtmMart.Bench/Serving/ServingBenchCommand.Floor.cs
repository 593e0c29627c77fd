using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using GtmMart.Contracts.V1;
using GtmMart.Server.Services;
using GtmMart.Serving;
using Spectre.Console;

namespace GtmMart.Bench.Serving;

public sealed partial class ServingBenchCommand
{
    /// <summary>Seconds each step of the in-process floor is repeated for (after a warm-up of the same length).</summary>
    private const double FloorStepSeconds = 0.5;

    /// <summary>
    /// What one uncached one-id scoring call must do beyond the transport, each step measured alone on this thread
    /// in a loop over the served ids (process CPU µs per call, and bytes allocated per call): the request's encoding
    /// and parsing, the feature lookup and the scorer (featurize, predict, reasons), the mapping to the answer
    /// message, the answer's encoding and the client's parsing of it. The steps a gRPC call pays for on top of these
    /// are the transport's, which <c>Ping</c> and the replayed answers measure in the same run.
    /// </summary>
    private sealed record CallWork(Step Request, Step Score, Step Map, Step Encode, Step Parse)
    {
        /// <summary>The server's own work on the call: request parsing, scoring, mapping, encoding.</summary>
        public double ServerMicros => Request.Micros + Score.Micros + Map.Micros + Encode.Micros;

        public IEnumerable<(string Name, Step Step)> Steps =>
        [
            ("request encode + parse", Request), ("lookup + score (featurize, predict, reasons)", Score), ("map to the answer message", Map),
            ("answer encode", Encode), ("answer parse (client)", Parse),
        ];
    }

    /// <summary>One step: process CPU µs and bytes allocated on this thread, per call.</summary>
    private sealed record Step(double Micros, double Bytes);

    /// <summary>
    /// The in-process cost of the stream's work over the same rows as the batch: mapping the scores to chunk answers
    /// (<see cref="StreamChunk"/> results a message), encoding them and parsing them back (the client's part), process
    /// CPU seconds per round, on one thread.
    /// </summary>
    private sealed record StreamWork(double MapSeconds, double EncodeSeconds, double ParseSeconds, long Bytes)
    {
        public double Seconds => MapSeconds + EncodeSeconds + ParseSeconds;
    }

    private static CallWork MeasureCallWork(ServingAccess access, string[] ids)
    {
        var snapshot = access.Snapshot();
        var rows = ids.Select(id => snapshot.Features.TryGetOpportunity(id, out var row) ? row : throw new InvalidOperationException(id)).ToArray();
        var scores = rows.Select(snapshot.Opportunity.Score).ToArray();
        var answers = scores.Select((s, i) => Answer(snapshot, s, rows[i])).ToArray();
        var encoded = answers.Select(a => a.ToByteArray()).ToArray();
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);

        var request = Repeat(i =>
        {
            var bytes = new ScoreOpportunitiesRequest { OpportunityIds = { ids[i % ids.Length] } }.ToByteArray();
            return ScoreOpportunitiesRequest.Parser.ParseFrom(bytes).OpportunityIds.Count;
        });
        var score = Repeat(i => snapshot.Features.TryGetOpportunity(ids[i % ids.Length], out var row) ? snapshot.Opportunity.Score(row).Score : 0);
        var map = Repeat(i => Answer(snapshot, scores[i % scores.Length], rows[i % rows.Length]).Results.Count);
        var encode = Repeat(i =>
        {
            // As grpc-dotnet's marshaller for a generated message: the size first, then the message into its buffer.
            var answer = answers[i % answers.Length];
            buffer.ResetWrittenCount();
            var size = answer.CalculateSize();
            answer.WriteTo(buffer);
            return size;
        });
        var parse = Repeat(i => ScoreOpportunitiesResponse.Parser.ParseFrom(encoded[i % encoded.Length]).Results.Count);
        var work = new CallWork(request, score, map, encode, parse);
        AnsiConsole.MarkupLine("  in-process work of one uncached call: " + string.Join(", ", work.Steps.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"{s.Name} {s.Step.Micros:0.00} µs ({s.Step.Bytes:N0} B)"))));
        return work;
    }

    /// <summary>The answer a one-id call gets, as the server maps it.</summary>
    internal static ScoreOpportunitiesResponse Answer(ServingSnapshot snapshot, GtmMart.Scoring.Opportunity.OpportunityScore score, GtmMart.Scoring.Features.OpportunityFeatureRow row) =>
        new() { Results = { new OpportunityResult { Score = ProtoMapping.ToProto(score, snapshot.OpportunityModel, snapshot.BuildId, !row.IsClosed) } } };

    /// <summary><paramref name="step"/> over and over on this thread for <see cref="FloorStepSeconds"/> after as long a warm-up: CPU µs and bytes allocated per call.</summary>
    private static Step Repeat(Func<int, int> step)
    {
        var sink = 0;
        var limit = TimeSpan.FromSeconds(FloorStepSeconds);
        var warm = Stopwatch.StartNew();
        for (var i = 0; warm.Elapsed < limit; i++)
        {
            sink += step(i);
        }

        var calls = 0;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var cpu = Environment.CpuUsage.TotalTime;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            // Batches of 64 between clock reads, so reading the clock is not what is measured.
            for (var k = 0; k < 64; k++)
            {
                sink += step(calls++);
            }
        }

        var micros = (Environment.CpuUsage.TotalTime - cpu).TotalMicroseconds / calls;
        var bytes = (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / calls;
        GC.KeepAlive(sink);
        return new Step(micros, bytes);
    }

    /// <summary>
    /// Maps <paramref name="scores"/> to chunk answers of <see cref="StreamChunk"/> results, encodes and parses them, one
    /// thread, a chunk at a time (each chunk's messages dropped before the next, as in the stream), each stage's process
    /// CPU time apart.
    /// </summary>
    private static StreamWork MeasureStreamWork(ServingSnapshot snapshot, IReadOnlyList<GtmMart.Scoring.Opportunity.OpportunityScore> scores, List<GtmMart.Scoring.Features.OpportunityFeatureRow> rows)
    {
        TimeSpan map = default, encode = default, parse = default;
        long bytes = 0;
        var parsed = 0;
        var buffer = new ArrayBufferWriter<byte>(1024 * 1024);
        for (var first = 0; first < scores.Count; first += StreamChunk)
        {
            var started = Environment.CpuUsage.TotalTime;
            var chunk = new ScoreOpportunitiesResponse();
            for (var i = first; i < Math.Min(scores.Count, first + StreamChunk); i++)
            {
                chunk.Results.Add(new OpportunityResult { Score = ProtoMapping.ToProto(scores[i], snapshot.OpportunityModel, snapshot.BuildId, !rows[i].IsClosed) });
            }

            var answer = new ScoreStreamResponse { Opportunities = chunk };
            var mapped = Environment.CpuUsage.TotalTime;
            buffer.ResetWrittenCount();
            _ = answer.CalculateSize();
            answer.WriteTo(buffer);
            var encoded = Environment.CpuUsage.TotalTime;
            parsed += ScoreStreamResponse.Parser.ParseFrom(buffer.WrittenSpan).Opportunities.Results.Count;
            var done = Environment.CpuUsage.TotalTime;
            map += mapped - started;
            encode += encoded - mapped;
            parse += done - encoded;
            bytes += buffer.WrittenCount;
        }

        return parsed == scores.Count
            ? new StreamWork(map.TotalSeconds, encode.TotalSeconds, parse.TotalSeconds, bytes)
            : throw new InvalidOperationException($"parsed {parsed} results of {scores.Count}");
    }
}
