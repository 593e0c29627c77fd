using System.Diagnostics;

namespace GtmMart.Tests.Support;

/// <summary>Runs the real <c>gtm</c> command-line tool (gtm.dll beside the test binaries) as a child process.</summary>
public static class GtmProcess
{
    public static string GtmDll => Path.Combine(AppContext.BaseDirectory, "gtm.dll");

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

    public static ChildProcess.Result Run(string workingDirectory, params string[] args) => Run(workingDirectory, null, args);

    public static ChildProcess.Result Run(string workingDirectory, IDictionary<string, string>? environment, params string[] args) =>
        RunWithInput(workingDirectory, environment, null, args);

    /// <summary>Runs gtm with <paramref name="input"/> (when not null) written to its standard input, then closed.</summary>
    public static ChildProcess.Result RunWithInput(string workingDirectory, IDictionary<string, string>? environment, string? input, params string[] args) =>
        ChildProcess.Run(StartInfo(workingDirectory, environment, args), input);
}
