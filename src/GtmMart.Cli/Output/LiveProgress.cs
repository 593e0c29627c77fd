using GtmMart.Training;
using Spectre.Console;

namespace GtmMart.Cli.Output;

/// <summary>
/// Progress of a long step with parts (training's cross-validation): in an interactive terminal a live display with a
/// bar per step (parts done out of all, elapsed time, what is running now) above which the detail lines are printed;
/// when output is redirected, the plain detail lines alone (the trainer then also prints which parts are still running
/// every few seconds).
/// </summary>
public sealed class LiveProgress : IProgress<string>, IProgress<StepProgress>
{
    private readonly Lock gate = new();
    private readonly ProgressContext context;
    private readonly Dictionary<string, ProgressTask> tasks = [];

    private LiveProgress(ProgressContext context) => this.context = context;

    /// <summary>True when the terminal can redraw a live display (not redirected, not a dumb terminal).</summary>
    public static bool Available => AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;

    /// <summary>Runs <paramref name="work"/> with a progress sink fitting the terminal.</summary>
    public static T Run<T>(Func<IProgress<string>, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!Available)
        {
            return work(ProgressStep.Detail());
        }

        return AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx => work(new LiveProgress(ctx)));
    }

    public void Report(string value)
    {
        lock (gate)
        {
            AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(value)}[/]");
        }
    }

    public void Report(StepProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (gate)
        {
            if (!tasks.TryGetValue(value.Step, out var task))
            {
                task = context.AddTask(value.Step, maxValue: value.Total);
                tasks[value.Step] = task;
            }

            task.Value = value.Done;
            var running = value.Running.Count == 0 ? "" : ": " + string.Join(", ", value.Running);
            task.Description = Markup.Escape($"{value.Step} {value.Done}/{value.Total}{running}");
            if (value.Done >= value.Total)
            {
                task.StopTask();
            }
        }
    }
}
