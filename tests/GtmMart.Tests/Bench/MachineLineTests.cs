using System.Diagnostics;
using System.Text.RegularExpressions;
using GtmMart.Bench;
using Xunit;

namespace GtmMart.Tests.Bench;

/// <summary>The machine line every benchmark section records names the machine's memory, not a GC heap limit it ran under.</summary>
public sealed partial class MachineLineTests
{
    [Fact]
    public void The_machine_line_gives_the_machines_memory_even_under_a_gc_heap_limit()
    {
        var line = MarkdownSection.MachineLine();
        var gib = long.Parse(MemoryPattern().Match(line).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var total = MemTotalGiB();
        if (total is null)
        {
            Assert.Equal(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30), gib);
            return;
        }

        Assert.Equal(total, gib);
        // The same line from a process whose GC heap is capped at 1 GiB: the runtime sees 1 GiB there, the line must not.
        var capped = RunBenchLine(("DOTNET_GCHeapHardLimit", "0x40000000"));
        Assert.Equal(total, long.Parse(MemoryPattern().Match(capped).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static long? MemTotalGiB()
    {
        if (!File.Exists("/proc/meminfo"))
        {
            return null;
        }

        var kib = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return long.Parse(kib, System.Globalization.CultureInfo.InvariantCulture) * 1024 / (1L << 30);
    }

    private static string RunBenchLine((string Name, string Value) env)
    {
        var dll = typeof(MarkdownSection).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [dll, "machine"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment[env.Name] = env.Value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "the bench's machine command did not exit within 60 s");
        Assert.Equal(0, process.ExitCode);
        return output;
    }

    [GeneratedRegex(@"Machine: \d+ cores, (\d+) GiB")]
    private static partial Regex MemoryPattern();
}
