using System.Diagnostics;
using Grpc.Core;

namespace GtmMart.Cli.Commands;

/// <summary>
/// N concurrent callers calling in a loop for a fixed time: the load of <c>gtm client load</c> and of the serving
/// benchmark (bench/GtmMart.Bench, which references this project). Stops by itself when the time is up (or on cancellation).
/// </summary>
internal static class CallerLoop
{
    /// <summary>
    /// One run: each completed call's latency (ms), failed calls, wall seconds, and this process's CPU seconds and
    /// bytes allocated over it (everything a call costs in this process, whatever share of the cores it got).
    /// </summary>
    public sealed record Round(List<double> Latencies, long Failures, double Seconds, double CpuSeconds, long AllocatedBytes, RuntimeWork Runtime);

    /// <summary>
    /// What the runtime did in this process over a round, beside the calls: collections per generation, the time the
    /// collector paused the process, lock contentions (<see cref="Monitor.LockContentionCount"/>) and thread-pool work
    /// items completed. Counters of the whole process, read before and after (cheap: no event listener).
    /// </summary>
    public readonly record struct RuntimeWork(long Gen0, long Gen1, long Gen2, double PauseSeconds, long LockContentions, long WorkItems)
    {
        public static RuntimeWork Now() => new(
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration().TotalSeconds,
            Monitor.LockContentionCount, ThreadPool.CompletedWorkItemCount);

        public static RuntimeWork operator -(RuntimeWork a, RuntimeWork b) => new(
            a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.PauseSeconds - b.PauseSeconds, a.LockContentions - b.LockContentions, a.WorkItems - b.WorkItems);

        public static RuntimeWork operator +(RuntimeWork a, RuntimeWork b) => new(
            a.Gen0 + b.Gen0, a.Gen1 + b.Gen1, a.Gen2 + b.Gen2, a.PauseSeconds + b.PauseSeconds, a.LockContentions + b.LockContentions, a.WorkItems + b.WorkItems);
    }

    /// <summary>Room for latencies each caller starts a round with (a list grows past it).</summary>
    private const int InitialLatencies = 1_024;

    /// <summary>
    /// <paramref name="concurrency"/> callers, each calling <paramref name="call"/> (with a running call number) until
    /// <paramref name="duration"/> is up. A call fails when it returns false or throws an <see cref="RpcException"/>.
    /// </summary>
    public static async Task<Round> RunAsync(int concurrency, TimeSpan duration, Func<int, Task<bool>> call, CancellationToken cancellationToken)
    {
        // The latency lists are made before the clock and the CPU count start, and small: a caller makes a few hundred
        // calls in a round. Lists of 100,000 made inside the round (800 KB each, on the large-object heap) were charged
        // to the round: in a throwaway loop, 72 rounds' worth of them for 64 callers brought 114 full collections.
        var perCaller = Enumerable.Range(0, concurrency).Select(_ => new List<double>(InitialLatencies)).ToArray();
        var next = -1;
        long failures = 0;
        var cpu = Environment.CpuUsage.TotalTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var runtime = RuntimeWork.Now();
        var watch = Stopwatch.StartNew();
        var callers = Enumerable.Range(0, concurrency).Select(c => Task.Run(async () =>
        {
            var latencies = perCaller[c];
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
        var cpuSeconds = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
        var allocatedBytes = GC.GetTotalAllocatedBytes(precise: false) - allocated;
        var runtimeWork = RuntimeWork.Now() - runtime;
        return new Round([.. perCaller.SelectMany(l => l)], failures, elapsed, cpuSeconds, allocatedBytes, runtimeWork);
    }

    /// <summary>The <paramref name="p"/> quantile of sorted values (nearest rank); NaN when there are none.</summary>
    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
