using System.Diagnostics;

namespace GtmMart.Tests.Support;

/// <summary>Runs the real <c>gtm</c> command-line tool (gtm.dll beside the test binaries) as a child process.</summary>
public static class GtmProcess
{
    /// <summary>
    /// Bound on one child process: it only stops a hung child from hanging the suite, it is no speed check. Generous
    /// because the test machine's two cores may be shared with other heavy work: <c>gtm run</c>, about 40 s on a quiet
    /// machine, took over 3 minutes (the bound before) while other builds and tests shared the cores.
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    public static string GtmDll => Path.Combine(AppContext.BaseDirectory, "gtm.dll");

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + Stderr;
    }

    public static ProcessStartInfo StartInfo(string workingDirectory, IDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(GtmDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["NO_COLOR"] = "1";
        info.Environment["COLUMNS"] = "200";
        info.Environment.Remove("GTM_WAREHOUSE");
        info.Environment.Remove("GTM_SQL_DIR");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return info;
    }

    public static Result Run(string workingDirectory, params string[] args) => Run(workingDirectory, null, args);

    public static Result Run(string workingDirectory, IDictionary<string, string>? environment, params string[] args) =>
        RunWithInput(workingDirectory, environment, null, args);

    /// <summary>Runs gtm with <paramref name="input"/> (when not null) written to its standard input, then closed.</summary>
    public static Result RunWithInput(string workingDirectory, IDictionary<string, string>? environment, string? input, params string[] args)
    {
        var info = StartInfo(workingDirectory, environment, args);
        info.RedirectStandardInput = input is not null;
        using var process = Process.Start(info)!;

        // Output is drained before the input is written, so a child that prints while reading cannot block on a full pipe.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        if (!process.WaitForExit(DefaultTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"gtm {string.Join(' ', args)} did not finish within {DefaultTimeout}");
        }

        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// Reads a started child's output until the line <paramref name="expected"/> (true), or until its output ends or
    /// <see cref="DefaultTimeout"/> passes (false); every line read is added to <paramref name="lines"/>.
    /// </summary>
    public static async Task<bool> ReadUntilLineAsync(Process process, string expected, List<string> lines)
    {
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(lines);
        using var bound = new CancellationTokenSource(DefaultTimeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(bound.Token) is { } line)
            {
                lines.Add(line);
                if (line == expected)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            // Bound passed: the caller reports what was read.
        }

        return false;
    }
}
