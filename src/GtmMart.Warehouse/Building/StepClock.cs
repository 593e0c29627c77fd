using System.Diagnostics;

namespace GtmMart.Warehouse.Building;

/// <summary>
/// The wall time and the process's CPU time (every thread, DuckDB's too) since <see cref="Start"/>: one step of a build,
/// a model or a data test, as <c>gtm build --timings</c> reports it.
/// </summary>
internal readonly struct StepClock
{
    private readonly long started;
    private readonly TimeSpan cpuAtStart;

    private StepClock(long started, TimeSpan cpuAtStart)
    {
        this.started = started;
        this.cpuAtStart = cpuAtStart;
    }

    public static StepClock Start() => new(Stopwatch.GetTimestamp(), Environment.CpuUsage.TotalTime);

    public TimeSpan Wall => Stopwatch.GetElapsedTime(started);

    public TimeSpan Cpu => Environment.CpuUsage.TotalTime - cpuAtStart;
}
