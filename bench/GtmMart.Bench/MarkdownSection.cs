namespace GtmMart.Bench;

/// <summary>
/// Writes one benchmark's results into its own marked section of a shared markdown file
/// (<c>&lt;!-- bench:NAME:start --&gt;</c> … <c>&lt;!-- bench:NAME:end --&gt;</c>), replacing it or appending it and
/// leaving the other sections alone.
/// </summary>
internal static class MarkdownSection
{
    /// <summary>The "Machine: ..." line every benchmark section records (cores, memory, OS, .NET, time of the run).</summary>
    public static string MachineLine() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"Machine: {Environment.ProcessorCount} cores, {MachineMemoryBytes() / (1L << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");

    /// <summary>
    /// The machine's memory: Linux's <c>MemTotal</c>, else what the runtime sees. Not the runtime's figure alone: a
    /// benchmark run under a GC heap limit (<c>DOTNET_GCHeapHardLimit</c>) sees the limit there, not the machine.
    /// </summary>
    private static long MachineMemoryBytes()
    {
        const string meminfo = "/proc/meminfo";
        var line = File.Exists(meminfo) ? File.ReadLines(meminfo).FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        var kib = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var value, "kB"]
            && long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : (long?)null;
        return kib is { } k ? k * 1024 : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }

    /// <summary>The load average over 1, 5 and 15 minutes (Linux's <c>/proc/loadavg</c>), or "unknown".</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    public static void Write(string path, string name, string section)
    {
        var start = $"<!-- bench:{name}:start -->";
        var end = $"<!-- bench:{name}:end -->";
        var existing = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n\n";
        var block = $"{start}\n{section}{end}\n";
        var from = existing.IndexOf(start, StringComparison.Ordinal);
        var to = existing.IndexOf(end, StringComparison.Ordinal);
        var updated = from >= 0 && to > from
            ? existing[..from] + block + existing[(to + end.Length)..].TrimStart('\n')
            : existing.TrimEnd('\n') + "\n\n" + block;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, updated);
    }
}
