using System.Globalization;
using System.Runtime;
using Grpc.Core;
using GtmMart.Cli.Commands;
using GtmMart.Contracts.V1;
using Spectre.Console;

namespace GtmMart.Bench.Serving;

public sealed partial class ServingBenchCommand
{
    /// <summary>Rounds the measured calls alternate in, so all of them see the same background load.</summary>
    private const int Rounds = 6;

    /// <summary>Length of each contender's turn in a settling pass (see <see cref="MeasureSideBySideAsync"/>).</summary>
    private static readonly TimeSpan SettleTurn = TimeSpan.FromSeconds(0.5);

    /// <summary>A settling pass in which the JIT compiled fewer methods than this ends the warm-up.</summary>
    private const int SettledJitMethods = 20;

    /// <summary>Settling passes at most, so a run on a machine where the JIT never goes quiet still ends.</summary>
    private const int MaxSettlePasses = 10;

    /// <summary>A measured call.</summary>
    private sealed record Contender(string Name, Func<int, Task<bool>> Call);

    /// <summary>How the warm-up of one concurrency level ended: settling passes run, and methods the JIT compiled during the measured rounds.</summary>
    private sealed record Warmup(int SettlePasses, bool Settled, long JitMethodsInRounds);

    /// <summary>
    /// <paramref name="concurrency"/> callers in a loop on one channel, for each contender side by side: a warm-up of
    /// each (<paramref name="warmup"/>), then settling passes (each contender for <see cref="SettleTurn"/>) until one
    /// in which the JIT compiled fewer than <see cref="SettledJitMethods"/> methods: tiered compilation takes seconds
    /// to settle on a busy 2-core machine, longer for the scoring path than for the empty call, and a round that
    /// overlaps it measures the compiler. Then <see cref="Rounds"/> rounds in which the contenders take turns (in
    /// reverse order every other round), sharing <paramref name="duration"/> each; calls/s over each one's measured
    /// time and in each round, latency percentiles of the calls completed in it.
    /// </summary>
    private static async Task<(Load[] Loads, Warmup Warmup)> MeasureSideBySideAsync(
        int concurrency, TimeSpan warmup, TimeSpan duration, IReadOnlyList<Contender> contenders, CancellationToken cancellationToken)
    {
        // Each contender in turn for one turn's length, unmeasured: the warm-up, then each settling pass.
        async Task EachInTurnAsync(TimeSpan turn)
        {
            foreach (var c in contenders)
            {
                await CallerLoop.RunAsync(concurrency, turn, c.Call, cancellationToken).ConfigureAwait(false);
            }
        }

        await EachInTurnAsync(warmup).ConfigureAwait(false);
        var passes = 0;
        var settled = false;
        while (!settled && passes < MaxSettlePasses)
        {
            var compiled = JitInfo.GetCompiledMethodCount(currentThread: false);
            await EachInTurnAsync(SettleTurn).ConfigureAwait(false);
            passes++;
            settled = JitInfo.GetCompiledMethodCount(currentThread: false) - compiled < SettledJitMethods;
        }

        var jitBefore = JitInfo.GetCompiledMethodCount(currentThread: false);
        var rounds = contenders.Select(_ => new List<CallerLoop.Round>()).ToArray();
        for (var r = 0; r < Rounds; r++)
        {
            // The order is reversed every other round, so no contender always follows the same one (a collection
            // or a compilation that the previous one left behind falls on each in turn).
            for (var i = 0; i < contenders.Count; i++)
            {
                var k = r % 2 == 0 ? i : contenders.Count - 1 - i;
                rounds[k].Add(await CallerLoop.RunAsync(concurrency, duration / Rounds, contenders[k].Call, cancellationToken).ConfigureAwait(false));
            }
        }

        var jitInRounds = JitInfo.GetCompiledMethodCount(currentThread: false) - jitBefore;
        var loads = rounds.Select(r => Summarize(concurrency, r)).ToArray();
        AnsiConsole.MarkupLine(string.Join("; ", contenders.Select((c, k) => string.Create(CultureInfo.InvariantCulture,
            $"{(k == 0 ? $"  concurrency {concurrency}: " : "")}{c.Name} {loads[k].PerSecond:N0} calls/s, p50 {loads[k].P50Ms:0.000} ms, p99 {loads[k].P99Ms:0.000} ms"))));
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"  warm-up: {passes} settling pass(es){(settled ? "" : ", JIT still busy")}; {jitInRounds} method(s) compiled in the measured rounds"));
        return (loads, new Warmup(passes, settled, jitInRounds));
    }

    /// <summary>
    /// The real one-id answer for every served id, in the order the scoring callers cycle through them, asked of the
    /// server 500 ids a call (an answer well under the client's 4 MB limit), for <see cref="AnswerReplay"/> to send back.
    /// </summary>
    private static async Task RecordAnswersAsync(ScoringService.ScoringServiceClient client, CallOptions auth, string[] ids, CancellationToken cancellationToken)
    {
        var answers = new List<ScoreOpportunitiesResponse>(ids.Length);
        foreach (var chunk in ids.Chunk(500))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var response = await client.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { chunk } }, auth).ConfigureAwait(false);
            answers.AddRange(response.Results.Select(result => new ScoreOpportunitiesResponse { Results = { result } }));
        }

        AnswerReplay.Use(answers);
    }

    private static Load Summarize(int concurrency, List<CallerLoop.Round> rounds)
    {
        var latencies = rounds.SelectMany(r => r.Latencies).ToList();
        latencies.Sort();
        return new Load(concurrency, latencies.Count, rounds.Sum(r => r.Seconds),
            CallerLoop.Percentile(latencies, 0.50), CallerLoop.Percentile(latencies, 0.99), rounds.Sum(r => r.Failures),
            [.. rounds.Select(r => r.Latencies.Count / r.Seconds)], rounds.Sum(r => r.CpuSeconds),
            [.. rounds.Select(r => r.CpuSeconds * 1e6 / r.Latencies.Count)], rounds.Sum(r => r.AllocatedBytes),
            rounds.Aggregate(default(CallerLoop.RuntimeWork), (sum, r) => sum + r.Runtime));
    }
}
