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
        $"Machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");

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
