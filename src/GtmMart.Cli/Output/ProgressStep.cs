using System.Diagnostics;
using Spectre.Console;

namespace GtmMart.Cli.Output;

/// <summary>Prints a long step as it starts and when it ends, with its duration, so progress is visible in any terminal or log.</summary>
public sealed class ProgressStep : IDisposable
{
    private readonly Stopwatch watch = Stopwatch.StartNew();
    private readonly string name;
    private bool done;

    private ProgressStep(string name)
    {
        this.name = name;
        AnsiConsole.MarkupLine($"[bold blue]>[/] {Markup.Escape(name)}");
    }

    public static ProgressStep Start(string name) => new(name);

    public static IProgress<string> Detail() => new InlineProgress();

    public void Done(string? summary = null)
    {
        done = true;
        AnsiConsole.MarkupLine($"  [green]done[/] {Markup.Escape(name)} in {watch.Elapsed.TotalSeconds:0.0}s{(summary is null ? "" : " - " + Markup.Escape(summary))}");
    }

    public void Dispose()
    {
        if (!done)
        {
            AnsiConsole.MarkupLine($"  [red]stopped[/] {Markup.Escape(name)} after {watch.Elapsed.TotalSeconds:0.0}s");
        }
    }

    /// <summary>Reports synchronously (System.Progress would post to the thread pool and reorder lines).</summary>
    private sealed class InlineProgress : IProgress<string>
    {
        public void Report(string value) => AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(value)}[/]");
    }
}

/// <summary>An <see cref="IProgress{T}"/> that runs its handler on the reporting thread.</summary>
public sealed class InlineProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
