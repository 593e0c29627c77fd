using System.Diagnostics;

namespace GtmMart.Serving;

/// <summary>Times the write phase step by step (wall and process CPU): each <see cref="Mark"/> closes the step that ran since the previous one.</summary>
internal sealed class WriteBackClock
{
    private readonly Stopwatch watch = Stopwatch.StartNew();
    private readonly List<WriteBackStep> steps = [];
    private double last;
    private double lastCpu = Cpu();

    public TimeSpan Elapsed => watch.Elapsed;

    public IReadOnlyList<WriteBackStep> Steps => steps;

    /// <summary>The process's CPU time so far (every thread: the engine's, the pool threads making rows beside the writer).</summary>
    private static double Cpu() => Environment.CpuUsage.TotalTime.TotalSeconds;

    public void Mark(string step)
    {
        var now = watch.Elapsed.TotalSeconds;
        var cpu = Cpu();
        steps.Add(new WriteBackStep(step, now - last, cpu - lastCpu));
        last = now;
        lastCpu = cpu;
    }
}
