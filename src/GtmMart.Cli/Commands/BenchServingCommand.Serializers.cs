using System.Diagnostics;
using System.Globalization;
using System.Text;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using GtmMart.Cli.Output;
using GtmMart.Contracts.V1;
using GtmMart.Server.Wire;
using GtmMart.Warehouse.Connection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace GtmMart.Cli.Commands;

// `gtm bench-serving --compare-serializers` (issue 22 point 2): the hand-written answer encoder (Wire/ScoreWire, its
// marshaller-swapping binding and the precoded cached scores) against protobuf's generated serializer, on two servers
// in this one process, measured in alternating rounds.
public sealed partial class BenchServingCommand
{
    private sealed record SerializerRow(Load UncachedHand, Load UncachedGenerated, Load CachedHand, Load CachedGenerated, Load Ping, Warmup Warmup);

    /// <summary>Seconds and process CPU seconds of each round of one stream kind.</summary>
    private sealed record Timed(List<double> Seconds, List<double> CpuSeconds)
    {
        public Timed()
            : this([], [])
        {
        }

        public double CpuMicrosPer(int items) => CpuSeconds.Sum() * 1e6 / items;

        public IReadOnlyList<double> RoundCpuMicros(int perRound) => [.. CpuSeconds.Select(c => c * 1e6 / perRound)];

        public async Task AddAsync(Func<Task> run)
        {
            var cpu = Environment.CpuUsage.TotalTime;
            var watch = Stopwatch.StartNew();
            await run().ConfigureAwait(false);
            Seconds.Add(watch.Elapsed.TotalSeconds);
            CpuSeconds.Add((Environment.CpuUsage.TotalTime - cpu).TotalSeconds);
        }
    }

    /// <summary>The answer of ScoreOpportunities as the bytes the server sent (for comparing the two servers' bytes).</summary>
    private static readonly Method<ScoreOpportunitiesRequest, byte[]> RawScoreOpportunities = new(
        MethodType.Unary, "gtm.v1.ScoringService", "ScoreOpportunities",
        Marshallers.Create<ScoreOpportunitiesRequest>(static (m, c) =>
        {
            c.SetPayloadLength(m.CalculateSize());
            Google.Protobuf.MessageExtensions.WriteTo(m, c.GetBufferWriter());
            c.Complete();
        }, static c => ScoreOpportunitiesRequest.Parser.ParseFrom(c.PayloadAsReadOnlySequence())),
        Marshallers.Create<byte[]>(static (m, c) => c.Complete(m), static c => c.PayloadAsNewBuffer()));

    private static async Task<string> CompareSerializersAsync(Settings settings, List<int> levels, string folder, CancellationToken cancellationToken)
    {
        var warehouse = new DuckDbWarehouse(Path.Combine(folder, "bench.duckdb"));
        var models = Prepare(settings, warehouse, folder, cancellationToken);
        var hand = await BenchServer.StartAsync(warehouse, models, handWrittenAnswers: true, _ => { }, cancellationToken).ConfigureAwait(false);
        await using (hand.ConfigureAwait(false))
        {
            var generated = await BenchServer.StartAsync(warehouse, models, handWrittenAnswers: false, _ => { }, cancellationToken).ConfigureAwait(false);
            await using (generated.ConfigureAwait(false))
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                var prefills = new[] { await hand.PrefillAsync().ConfigureAwait(false), await generated.PrefillAsync().ConfigureAwait(false) };
                var features = hand.State.Features!;
                var modelSet = hand.State.Models.Current!;
                var ids = features.Opportunities.Select(o => o.OpportunityId).ToArray();
                CheckBindings(hand, generated);
                var sameBytes = await SameBytesAsync(hand, generated, ids, cancellationToken).ConfigureAwait(false);
                var loadBefore = LoadAverage();

                ScoreOpportunitiesRequest OneId(int i) => new() { OpportunityIds = { ids[i % ids.Length] } };
                static Func<int, Task<bool>> Scoring(BenchServer server, Func<int, ScoreOpportunitiesRequest> request) => async i =>
                    (await server.Client.ScoreOpportunitiesAsync(request(i), Auth).ConfigureAwait(false)).Results is [{ ResultCase: OpportunityResult.ResultOneofCase.Score }];
                var capacity = hand.Access.ScoreCacheCapacity;
                var rows = new List<SerializerRow>();
                foreach (var concurrency in levels)
                {
                    var (loads, warmup) = await MeasureSideBySideAsync(concurrency, TimeSpan.FromSeconds(settings.Warmup), TimeSpan.FromSeconds(settings.Seconds),
                    [
                        new Contender("uncached hand-written", () => hand.Access.ScoreCacheCapacity = 0, Scoring(hand, OneId)),
                        new Contender("uncached generated", () => generated.Access.ScoreCacheCapacity = 0, Scoring(generated, OneId)),
                        new Contender("cached hand-written", () => hand.Access.ScoreCacheCapacity = capacity, Scoring(hand, OneId)),
                        new Contender("cached generated", () => generated.Access.ScoreCacheCapacity = capacity, Scoring(generated, OneId)),
                        new Contender("Ping", () => { }, async _ =>
                        {
                            await generated.Client.PingAsync(new Google.Protobuf.WellKnownTypes.Empty(), Auth).ConfigureAwait(false);
                            return true;
                        }),
                    ], cancellationToken).ConfigureAwait(false);
                    rows.Add(new SerializerRow(loads[0], loads[1], loads[2], loads[3], loads[4], warmup));
                }

                hand.Access.ScoreCacheCapacity = 0;
                generated.Access.ScoreCacheCapacity = 0;
                var streams = await CompareStreamsAsync(hand, generated, modelSet, features, ids, settings.StreamItems, cancellationToken).ConfigureAwait(false);
                return RenderSerializers(settings, prefills, sameBytes, rows, streams, $"{loadBefore} before the measurements, {LoadAverage()} after");
            }
        }
    }

    /// <summary>Fails unless the first server answers ScoreOpportunities and ScoreStream through the hand-written marshallers and the second does not.</summary>
    private static void CheckBindings(BenchServer hand, BenchServer generated)
    {
        static IMethod[] Scoring(BenchServer server) => [.. server.App.Services.GetServices<EndpointDataSource>()
            .SelectMany(d => d.Endpoints)
            .Select(e => e.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method)
            .OfType<IMethod>()
            .Where(m => m.Name is "ScoreOpportunities" or "ScoreStream")];
        static bool HandWritten(IMethod m) => m switch
        {
            Method<ScoreOpportunitiesRequest, ScoreOpportunitiesResponse> u => ReferenceEquals(u.ResponseMarshaller, ScoringServiceBinding.OpportunitiesResponse),
            Method<ScoreStreamRequest, ScoreStreamResponse> s => ReferenceEquals(s.ResponseMarshaller, ScoringServiceBinding.StreamResponse),
            _ => false,
        };

        if (Scoring(hand) is not { Length: 2 } a || !a.All(HandWritten) || Scoring(generated) is not { Length: 2 } b || b.Any(HandWritten))
        {
            throw new InvalidOperationException("the two servers are not bound as compared (hand-written marshallers on the first only)");
        }
    }

    /// <summary>The machine's 1-minute load average (other jobs on the cores), or "?" where /proc is absent.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    /// <summary>Every served id's one-id answer from both servers (cache filled), compared byte for byte; the ids compared.</summary>
    private static async Task<int> SameBytesAsync(BenchServer hand, BenchServer generated, string[] ids, CancellationToken cancellationToken)
    {
        foreach (var chunk in ids.Chunk(500))
        {
            var request = new ScoreOpportunitiesRequest { OpportunityIds = { chunk } };
            var a = await hand.Channel.CreateCallInvoker().AsyncUnaryCall(RawScoreOpportunities, null, Auth.WithCancellationToken(cancellationToken), request).ConfigureAwait(false);
            var b = await generated.Channel.CreateCallInvoker().AsyncUnaryCall(RawScoreOpportunities, null, Auth.WithCancellationToken(cancellationToken), request).ConfigureAwait(false);
            if (!a.AsSpan().SequenceEqual(b))
            {
                throw new InvalidOperationException($"the two servers sent different bytes for the ids from {chunk[0]}");
            }
        }

        return ids.Length;
    }

    private sealed record StreamComparison(int Items, int PerRound, Timed ChunkedHand, Timed ChunkedGenerated, Timed SingleHand, Timed SingleGenerated, Timed Batch);

    /// <summary>
    /// <see cref="StreamRounds"/> rounds of, in turn: chunked streams to each server, the in-process batch, one-id
    /// streams to each server (score cache off on both); seconds and process CPU of each.
    /// </summary>
    private static async Task<StreamComparison> CompareStreamsAsync(
        BenchServer hand, BenchServer generated, Serving.ModelSet models, Serving.FeatureStore features, string[] ids, int items, CancellationToken cancellationToken)
    {
        foreach (var server in new[] { hand, generated })
        {
            await StreamAsync(server.Client, Auth, ids, Math.Min(items, 2_000), 1, cancellationToken).ConfigureAwait(false);
            await StreamAsync(server.Client, Auth, ids, Math.Min(items, 2_000), StreamChunk, cancellationToken).ConfigureAwait(false);
        }

        var perRound = Math.Max(1, items / StreamRounds);
        var rows = Enumerable.Range(0, perRound).Select(i => features.TryGetOpportunity(ids[i % ids.Length], out var row) ? row : throw new InvalidOperationException(ids[i % ids.Length])).ToList();
        _ = models.Opportunity.ScoreBatch(rows.Take(2_000).ToList());
        var result = new StreamComparison(perRound * StreamRounds, perRound, new(), new(), new(), new(), new());
        async Task Stream(BenchServer server, int chunk)
        {
            var errors = await StreamAsync(server.Client, Auth, ids, perRound, chunk, cancellationToken).ConfigureAwait(false);
            if (errors != 0)
            {
                throw new InvalidOperationException($"{errors} item errors in a stream of known ids");
            }
        }

        for (var round = 0; round < StreamRounds; round++)
        {
            await result.ChunkedHand.AddAsync(() => Stream(hand, StreamChunk)).ConfigureAwait(false);
            await result.ChunkedGenerated.AddAsync(() => Stream(generated, StreamChunk)).ConfigureAwait(false);
            await result.Batch.AddAsync(() => Task.FromResult(models.Opportunity.ScoreBatch(rows))).ConfigureAwait(false);
            await result.SingleHand.AddAsync(() => Stream(hand, 1)).ConfigureAwait(false);
            await result.SingleGenerated.AddAsync(() => Stream(generated, 1)).ConfigureAwait(false);
        }

        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"  chunked streams: CPU µs per score hand-written {result.ChunkedHand.CpuMicrosPer(result.Items):0.00}, generated {result.ChunkedGenerated.CpuMicrosPer(result.Items):0.00}; one-id: {result.SingleHand.CpuMicrosPer(result.Items):0.00}, {result.SingleGenerated.CpuMicrosPer(result.Items):0.00}"));
        return result;
    }

    private static string RenderSerializers(Settings settings, Prefill[] prefills, int sameBytes, List<SerializerRow> rows, StreamComparison s, string load)
    {
        var text = new StringBuilder();
        text.AppendLine("## Hand-written vs generated serializer (issue 22 point 2)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Command: `dotnet src/GtmMart.Cli/bin/Release/net10.0/gtm.dll bench-serving --compare-serializers --work {settings.Work} --accounts {settings.Accounts} --concurrency {settings.Concurrency} --seconds {settings.Seconds.ToString(CultureInfo.InvariantCulture)} --warmup {settings.Warmup.ToString(CultureInfo.InvariantCulture)} --stream-items {settings.StreamItems}`  ");
        text.AppendLine(MarkdownSection.MachineLine());
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Two servers in one process (other jobs shared the 2 cores: load average {load}): `GtmServer.Build` as `gtm serve` runs it, one with the scoring answers written by `Wire/ScoreWire` through `ScoringServiceBinding` and its kept scores precoded, one bound by the generated `ScoringService.BindService` (protobuf's generated serializer, nothing precoded); each with its own channel, cache filled at publish ({prefills[0].Scores:N0} and {prefills[1].Scores:N0} scores). Both sent the same bytes for all {sameBytes:N0} served ids (one-id answers compared raw). Unary: one-id `ScoreOpportunities`, N callers, the five calls in turn ({Rounds} rounds, order reversed every other one, {settings.Seconds.ToString(CultureInfo.InvariantCulture)} s per call after warm-up and JIT settling). CPU is the process's (both servers, the client, the runtime) over the calls completed; \"per round\" is the median (lowest-highest) of the ratio in each round.");
        text.AppendLine();
        text.AppendLine("| callers | CPU µs per call uncached: hand-written | generated | hand / generated | per round | cached: hand-written | generated | hand / generated | per round | Ping | uncached calls/s hand / generated | cached calls/s hand / generated |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Ping.Concurrency} | {r.UncachedHand.CpuMicrosPerCall:0.0} | {r.UncachedGenerated.CpuMicrosPerCall:0.0} | {r.UncachedHand.CpuMicrosPerCall / r.UncachedGenerated.CpuMicrosPerCall:0.00} | {RoundRatios.Of(r.UncachedHand.RoundCpuMicros, r.UncachedGenerated.RoundCpuMicros)} | {r.CachedHand.CpuMicrosPerCall:0.0} | {r.CachedGenerated.CpuMicrosPerCall:0.0} | {r.CachedHand.CpuMicrosPerCall / r.CachedGenerated.CpuMicrosPerCall:0.00} | {RoundRatios.Of(r.CachedHand.RoundCpuMicros, r.CachedGenerated.RoundCpuMicros)} | {r.Ping.CpuMicrosPerCall:0.0} | {r.UncachedHand.PerSecond / r.UncachedGenerated.PerSecond:0.00} | {r.CachedHand.PerSecond / r.CachedGenerated.PerSecond:0.00} |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Streams: {StreamRounds} rounds of {s.PerRound:N0} ids each, in turn: a chunked `ScoreStream` ({StreamChunk} ids per message) to each server, in-process `ScoreBatch`, a one-id-per-message stream to each server; score cache off.");
        text.AppendLine();
        text.AppendLine("| ids per message | CPU µs per score: hand-written | generated | hand / generated | per round | scores/s hand-written | generated | hand / batch | generated / batch |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var batchRate = s.Items / s.Batch.Seconds.Sum();
        foreach (var (chunk, h, g) in new[] { (StreamChunk, s.ChunkedHand, s.ChunkedGenerated), (1, s.SingleHand, s.SingleGenerated) })
        {
            var hRate = s.Items / h.Seconds.Sum();
            var gRate = s.Items / g.Seconds.Sum();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {chunk} | {h.CpuMicrosPer(s.Items):0.00} | {g.CpuMicrosPer(s.Items):0.00} | {h.CpuMicrosPer(s.Items) / g.CpuMicrosPer(s.Items):0.00} | {RoundRatios.Of(h.RoundCpuMicros(s.PerRound), g.RoundCpuMicros(s.PerRound))} | {hRate:N0} | {gRate:N0} | {hRate / batchRate:0.00} | {gRate / batchRate:0.00} |");
        }

        var at64 = rows.LastOrDefault(r => r.Ping.Concurrency == 64) ?? rows[^1];
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"**Saving of the hand-written path** (process CPU per scored call at {at64.Ping.Concurrency} callers, this run): uncached {1 - (at64.UncachedHand.CpuMicrosPerCall / at64.UncachedGenerated.CpuMicrosPerCall):P1}, cached {1 - (at64.CachedHand.CpuMicrosPerCall / at64.CachedGenerated.CpuMicrosPerCall):P1} (the issue keeps it only at 10% or more).");
        return text.ToString();
    }
}
