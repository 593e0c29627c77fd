using System.Diagnostics;

namespace GtmMart.Bench.Training;

/// <summary>A child process's wall-clock and CPU time (user + system, its own and its waited-for children's).</summary>
public sealed record ChildTiming(double WallSeconds, double CpuSeconds, string Stdout);

/// <summary>
/// Runs a command to completion and measures it: wall-clock time, and CPU time as the kernel's count of this
/// process's children's CPU time before and after. On a machine shared with other work, wall-clock time grows with
/// the load while CPU time barely does, so both are recorded.
/// </summary>
public static class ChildRun
{
    public static ChildTiming Run(string file, IReadOnlyList<string> arguments, Action<string>? onOutputLine = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        var cpuBefore = ChildrenCpuSeconds();
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var error = process.StandardError.ReadToEndAsync();
        var stdout = new System.Text.StringBuilder();
        while (process.StandardOutput.ReadLine() is { } line)
        {
            stdout.AppendLine(line);
            onOutputLine?.Invoke(line);
        }

        process.WaitForExit();
        var wall = watch.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} {string.Join(' ', arguments.Take(2))} failed (exit {process.ExitCode}): {error.Result.Trim()}");
        }

        return new ChildTiming(wall, ChildrenCpuSeconds() - cpuBefore, stdout.ToString());
    }

    /// <summary>CPU seconds of this process so far (all its threads).</summary>
    public static double OwnCpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    /// <summary>
    /// CPU seconds of this process's waited-for children: cutime + cstime of <c>/proc/self/stat</c> (fields 16 and 17),
    /// in USER_HZ ticks, 100 a second on Linux.
    /// </summary>
    private static double ChildrenCpuSeconds()
    {
        const string stat = "/proc/self/stat";
        if (!File.Exists(stat))
        {
            return double.NaN;
        }

        var text = File.ReadAllText(stat);
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[13], System.Globalization.CultureInfo.InvariantCulture)
            + long.Parse(fields[14], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
    }
}
