using System.Diagnostics;
using System.Globalization;

namespace GtmMart.Training;

/// <summary>
/// Where a long training step is: its name, how many of its parts are done out of how many, how long it has run, and
/// which parts are running now. A progress sink that also implements <c>IProgress&lt;StepProgress&gt;</c> receives
/// these beside the plain lines (a terminal draws them as a progress bar); every other sink gets the lines alone.
/// </summary>
public sealed record StepProgress(string Step, int Done, int Total, TimeSpan Elapsed, IReadOnlyList<string> Running);

/// <summary>
/// Counts the parts of one step (e.g. the fits of a cross-validation) that may run on several threads at once, and
/// reports each part's start and end with the counter and the elapsed time. While parts run and nothing was reported
/// for the heartbeat interval (<see cref="DefaultHeartbeat"/>), it reports which parts are still running (as a line to a plain sink, as state to a
/// live display), so no step is silent for long.
/// Thread-safe; reports are made under one lock, so the sink sees them one at a time.
/// </summary>
internal sealed class StepTracker : IDisposable
{
    public static readonly TimeSpan DefaultHeartbeat = TimeSpan.FromSeconds(5);

    private readonly Lock gate = new();
    private readonly IProgress<string>? progress;
    private readonly string step;
    private readonly int total;
    private readonly Stopwatch watch = Stopwatch.StartNew();
    private readonly List<string> running = [];
    private readonly Timer heartbeat;
    private readonly TimeSpan interval;
    private TimeSpan lastReport;
    private int done;

    public StepTracker(IProgress<string>? progress, string step, int total, TimeSpan? heartbeatInterval = null)
    {
        this.progress = progress;
        this.step = step;
        this.total = total;
        interval = heartbeatInterval ?? DefaultHeartbeat;
        heartbeat = new Timer(_ => Beat(), null, interval, interval);
    }

    /// <summary>Runs <paramref name="part"/> as the part named <paramref name="name"/>, reporting its start and end.</summary>
    public T Run<T>(string name, Func<T> part, Func<T, string?>? summary = null)
    {
        lock (gate)
        {
            running.Add(name);
            Report(null);
        }

        var partWatch = Stopwatch.StartNew();
        var result = part();
        lock (gate)
        {
            running.Remove(name);
            done++;
            var extra = summary?.Invoke(result) is { } text ? ", " + text : "";
            Report(string.Create(CultureInfo.InvariantCulture,
                $"[{done}/{total}] {name} done in {partWatch.Elapsed.TotalSeconds:0.0}s{extra} ({watch.Elapsed.TotalSeconds:0}s into {step})"));
        }

        return result;
    }

    public void Dispose() => heartbeat.Dispose();

    private void Beat()
    {
        lock (gate)
        {
            if (running.Count > 0 && watch.Elapsed - lastReport >= interval * 0.9)
            {
                // A live display shows the running parts and the elapsed time itself: it gets the state, not a line.
                if (progress is IProgress<StepProgress>)
                {
                    Report(null);
                    return;
                }

                Report(string.Create(CultureInfo.InvariantCulture,
                    $"[{done}/{total}] still running: {string.Join(", ", running)} ({watch.Elapsed.TotalSeconds:0}s into {step})"));
            }
        }
    }

    /// <summary>Reports a line (when given) and the structured state; callers hold <see cref="gate"/> or run before any part starts.</summary>
    private void Report(string? line)
    {
        if (progress is IProgress<StepProgress> structured)
        {
            structured.Report(new StepProgress(step, done, total, watch.Elapsed, [.. running]));
        }

        if (line is not null)
        {
            lastReport = watch.Elapsed;
            progress?.Report(line);
        }
    }
}
