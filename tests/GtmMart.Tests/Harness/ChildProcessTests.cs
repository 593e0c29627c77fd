using System.Diagnostics;
using GtmMart.Tests.Support;

namespace GtmMart.Tests.Harness;

/// <summary>The child-process hang guard tells a hung child (no CPU, no output) from a busy one, however long it runs.</summary>
public sealed class ChildProcessTests
{
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(4);

    [Fact]
    public void A_child_that_waits_silently_is_killed_once_it_stalls()
    {
        var watch = Stopwatch.StartNew();

        var error = Assert.Throws<TimeoutException>(() => ChildProcess.Run(Shell("sleep 600"), stallLimit: Stall));

        Assert.Contains("made no progress (no CPU time, no output)", error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(300), $"killed after {watch.Elapsed}, not once it stalled");
    }

    [Fact]
    public void A_busy_silent_child_and_a_slow_talking_child_run_to_the_end()
    {
        // Three times the stall limit: busy the whole time, never printing; then printing every second, using no CPU.
        var busy = ChildProcess.Run(Shell("end=$((SECONDS + 12)); while [ $SECONDS -lt $end ]; do :; done; echo done"), stallLimit: Stall);
        var talking = ChildProcess.Run(Shell("for i in $(seq 1 12); do echo $i; sleep 1; done"), stallLimit: Stall);

        Assert.Equal((0, "done\n"), (busy.ExitCode, busy.Stdout));
        Assert.Equal(0, talking.ExitCode);
        Assert.EndsWith("12\n", talking.Stdout, StringComparison.Ordinal);
    }

    private static ProcessStartInfo Shell(string script) => new("/bin/bash") { ArgumentList = { "-c", script } };
}
