using System.Diagnostics;

namespace GtmMart.Serving;

/// <summary>Times the write phase step by step: each <see cref="Mark"/> closes the step that ran since the previous one.</summary>
internal sealed class WriteBackClock
{
    private readonly Stopwatch watch = Stopwatch.StartNew();
    private readonly List<WriteBackStep> steps = [];
    private double last;

    public TimeSpan Elapsed => watch.Elapsed;

    public IReadOnlyList<WriteBackStep> Steps => steps;

    public void Mark(string step)
    {
        var now = watch.Elapsed.TotalSeconds;
        steps.Add(new WriteBackStep(step, now - last));
        last = now;
    }
}
