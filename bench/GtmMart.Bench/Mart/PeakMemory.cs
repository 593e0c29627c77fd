using System.Globalization;

namespace GtmMart.Bench.Mart;

/// <summary>The process's peak resident set since the last reset (Linux: VmHWM, reset through clear_refs).</summary>
internal static class PeakMemory
{
    public static void Reset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not Linux or not allowed: Bytes() then reports the peak since the process started.
        }
    }

    public static long Bytes()
    {
        if (File.Exists("/proc/self/status"))
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is not null)
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64;
    }
}
