using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Spectre.Console;

namespace GtmMart.Cli.Commands;

public sealed partial class BenchServingCommand
{
    /// <summary>Rounds the measured calls alternate in, so all of them see the same background load.</summary>
    private const int Rounds = 6;

    /// <summary>A measured call and what to switch before each of its rounds.</summary>
    private sealed record Contender(string Name, Action Before, Func<int, Task<bool>> Call);

    /// <summary>
    /// <paramref name="concurrency"/> callers in a loop on one channel, for each contender side by side: a warm-up of
    /// each (<paramref name="warmup"/>; tiered compilation takes seconds to settle on a busy 2-core machine, longer for
    /// the scoring path than for the empty call), then <see cref="Rounds"/> rounds in which the contenders take turns
    /// (in reverse order every other round),
    /// sharing <paramref name="duration"/> each; calls/s over each one's measured time and in each round, latency
    /// percentiles of the calls completed in it.
    /// </summary>
    private static async Task<Load[]> MeasureSideBySideAsync(
        int concurrency, TimeSpan warmup, TimeSpan duration, IReadOnlyList<Contender> contenders, CancellationToken cancellationToken)
    {
        foreach (var c in contenders)
        {
            c.Before();
            await RunCallersAsync(concurrency, warmup, c.Call, cancellationToken).ConfigureAwait(false);
        }

        var rounds = contenders.Select(_ => new List<(List<double> Latencies, long Failures, double Seconds)>()).ToArray();
        for (var r = 0; r < Rounds; r++)
        {
            // The order is reversed every other round, so no contender always follows the same one (a collection
            // or a compilation that the previous one left behind falls on each in turn).
            for (var i = 0; i < contenders.Count; i++)
            {
                var k = r % 2 == 0 ? i : contenders.Count - 1 - i;
                contenders[k].Before();
                rounds[k].Add(await RunCallersAsync(concurrency, duration / Rounds, contenders[k].Call, cancellationToken).ConfigureAwait(false));
            }
        }

        var loads = rounds.Select(r => Summarize(concurrency, r)).ToArray();
        AnsiConsole.MarkupLine(string.Join("; ", contenders.Select((c, k) => string.Create(CultureInfo.InvariantCulture,
            $"{(k == 0 ? $"  concurrency {concurrency}: " : "")}{c.Name} {loads[k].PerSecond:N0} calls/s, p50 {loads[k].P50Ms:0.000} ms, p99 {loads[k].P99Ms:0.000} ms"))));
        return loads;
    }

    private static Load Summarize(int concurrency, List<(List<double> Latencies, long Failures, double Seconds)> rounds)
    {
        var latencies = rounds.SelectMany(r => r.Latencies).ToList();
        latencies.Sort();
        return new Load(concurrency, latencies.Count, rounds.Sum(r => r.Seconds),
            Percentile(latencies, 0.50), Percentile(latencies, 0.99), rounds.Sum(r => r.Failures),
            [.. rounds.Select(r => r.Latencies.Count / r.Seconds)]);
    }

    private static async Task<(List<double> Latencies, long Failures, double Seconds)> RunCallersAsync(
        int concurrency, TimeSpan duration, Func<int, Task<bool>> call, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var next = -1;
        long failures = 0;
        var perCaller = new List<double>[concurrency];
        var callers = Enumerable.Range(0, concurrency).Select(c => Task.Run(async () =>
        {
            var latencies = perCaller[c] = new List<double>(100_000);
            while (watch.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await call(Interlocked.Increment(ref next)).ConfigureAwait(false);
                }
                catch (RpcException)
                {
                    ok = false;
                }

                if (ok)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                else
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(callers).ConfigureAwait(false);
        var elapsed = watch.Elapsed.TotalSeconds;
        return (perCaller.SelectMany(l => l).ToList(), failures, elapsed);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
