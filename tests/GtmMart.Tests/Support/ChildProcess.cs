using System.Diagnostics;
using System.Text;

namespace GtmMart.Tests.Support;

/// <summary>
/// Runs a program as a child process of a test, with a hang guard that tells a hung child from a slow one. A wall-clock
/// bound cannot: on a test machine whose two cores are shared with other heavy work a single-threaded child can run 50
/// times slower than on a quiet one (<c>gtm run</c>'s FastTree cross-validation, about 10 s alone, took 10 minutes of
/// wall time for 10 s of CPU), while a hung child uses no CPU and writes nothing. So a child is killed once it has
/// neither used CPU time nor written output for <see cref="StallLimit"/>, or in any case after <see cref="Limit"/>.
/// </summary>
public static class ChildProcess
{
    /// <summary>No CPU time and no output for this long: the child is taken as hung.</summary>
    public static readonly TimeSpan StallLimit = TimeSpan.FromMinutes(5);

    /// <summary>Whatever its progress, no child runs longer than this.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(60);

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + Stderr;
    }

    /// <summary>
    /// Starts <paramref name="info"/> with its output captured, writes <paramref name="input"/> (when not null) to its
    /// standard input and closes it, and waits for it to exit; a child that stalls (for <paramref name="stallLimit"/>,
    /// default <see cref="StallLimit"/>) is killed and a <see cref="TimeoutException"/> says so.
    /// </summary>
    public static Result Run(ProcessStartInfo info, string? input = null, TimeSpan? stallLimit = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = input is not null;
        info.UseShellExecute = false;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{Describe(info)} did not start");
        using var watchdog = new Watchdog(process, stallLimit ?? StallLimit);

        // Output is drained before the input is written, so a child that prints while reading cannot block on a full pipe.
        var stdout = watchdog.DrainAsync(process.StandardOutput);
        var stderr = watchdog.DrainAsync(process.StandardError);
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        try
        {
            process.WaitForExitAsync(watchdog.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(watchdog.Reason);
        }

        return new Result(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>
    /// Reads a started child's output until the line <paramref name="expected"/> (true), or until its output ends or it
    /// stalls (false); every line read is added to <paramref name="lines"/>. The caller stops the child.
    /// </summary>
    public static async Task<bool> ReadUntilLineAsync(Process process, string expected, List<string> lines)
    {
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(lines);
        using var watchdog = new Watchdog(process, StallLimit);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(watchdog.Token) is { } line)
            {
                watchdog.Saw(line.Length + 1);
                lines.Add(line);
                if (line == expected)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException) when (watchdog.Token.IsCancellationRequested)
        {
            lines.Add($"({watchdog.Reason})");
        }

        return false;
    }

    private static string Describe(ProcessStartInfo info) => $"{info.FileName} {string.Join(' ', info.ArgumentList)}";

    /// <summary>Watches one child: its token is cancelled once the child stalls or passes <see cref="Limit"/>.</summary>
    private sealed class Watchdog : IDisposable
    {
        private readonly Process process;
        private readonly string what;
        private readonly TimeSpan stallLimit;
        private readonly CancellationTokenSource cancel = new();
        private readonly Stopwatch running = Stopwatch.StartNew();
        private readonly Stopwatch sinceProgress = Stopwatch.StartNew();
        private readonly Timer timer;
        private long output;
        private long outputAtCheck;
        private TimeSpan cpuAtCheck;

        public Watchdog(Process process, TimeSpan stallLimit)
        {
            this.process = process;
            this.stallLimit = stallLimit;
            what = Describe(process.StartInfo);
            var every = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, stallLimit.Ticks / 4));
            timer = new Timer(_ => Check(), null, every, every);
        }

        public CancellationToken Token => cancel.Token;

        public string Reason { get; private set; } = "";

        public void Saw(int characters) => Interlocked.Add(ref output, characters);

        public async Task<string> DrainAsync(StreamReader reader)
        {
            var text = new StringBuilder();
            var buffer = new char[4096];
            int read;
            while ((read = await reader.ReadAsync(buffer)) > 0)
            {
                text.Append(buffer, 0, read);
                Saw(read);
            }

            return text.ToString();
        }

        private void Check()
        {
            var seen = Interlocked.Read(ref output);
            var cpu = Cpu();
            if (seen != outputAtCheck || cpu > cpuAtCheck)
            {
                (outputAtCheck, cpuAtCheck) = (seen, cpu);
                sinceProgress.Restart();
            }

            if (sinceProgress.Elapsed > stallLimit)
            {
                Stop($"{what} made no progress (no CPU time, no output) for {stallLimit.TotalSeconds:0} s: taken as hung and killed");
            }
            else if (running.Elapsed > Limit)
            {
                Stop($"{what} did not finish within {Limit.TotalMinutes:0} minutes: killed");
            }
        }

        private TimeSpan Cpu()
        {
            try
            {
                process.Refresh();
                return process.HasExited ? cpuAtCheck : process.TotalProcessorTime;
            }
            catch (InvalidOperationException)
            {
                return cpuAtCheck; // exited meanwhile
            }
        }

        private void Stop(string reason)
        {
            if (!cancel.IsCancellationRequested)
            {
                Reason = reason;
                cancel.Cancel();
            }
        }

        public void Dispose()
        {
            // Waits out a check that is running, so it never touches the disposed token source.
            using (var stopped = new ManualResetEvent(false))
            {
                if (timer.Dispose(stopped))
                {
                    stopped.WaitOne();
                }
            }

            cancel.Dispose();
        }
    }
}
