using System.Diagnostics;
using GtmMart.Tests.Support;

namespace GtmMart.Tests.Building;

/// <summary>A build process killed halfway (SIGKILL, no cleanup) leaves the last published mart readable and unchanged.</summary>
public sealed class KilledBuildTests
{
    [SeedTheory]
    [InlineData("build:mart.mrt_channel_funnel")]
    [InlineData("publish:core.fct_web_sessions")]
    public async Task Killing_gtm_build_midway_leaves_the_published_mart(string failpoint)
    {
        using var dir = new TempDirectory();
        var warehouse = dir.File("w.duckdb");
        var first = GtmProcess.Run(RepoPaths.Root, "run", "--raw", RepoPaths.SeedData, "--warehouse", warehouse, "--models", dir.File("models"));
        Assert.True(first.ExitCode == 0, first.All);
        var before = GtmProcess.Run(RepoPaths.Root, "sql", "select count(*) as n, sum(sessions) as s from mart.mrt_channel_funnel", "--format", "csv", "--warehouse", warehouse);

        // Start a second build and kill it where the failpoint holds it: between two models, or inside the publish transaction.
        var environment = new Dictionary<string, string> { ["GTM_FAILPOINT"] = failpoint };
        using (var build = Process.Start(GtmProcess.StartInfo(RepoPaths.Root, environment, "build", "--warehouse", warehouse))!)
        {
            var lines = new List<string>();
            var reached = await ChildProcess.ReadUntilLineAsync(build, $"failpoint {failpoint} reached", lines);
            build.Kill(entireProcessTree: true);
            await build.WaitForExitAsync();
            Assert.True(reached, $"the build did not reach {failpoint}:\n{string.Join('\n', lines)}");
        }

        var after = GtmProcess.Run(RepoPaths.Root, "sql", "select count(*) as n, sum(sessions) as s from mart.mrt_channel_funnel", "--format", "csv", "--warehouse", warehouse);
        Assert.Equal(0, after.ExitCode);
        Assert.Equal(before.Stdout, after.Stdout);
        var status = GtmProcess.Run(RepoPaths.Root, "sql", "select status from gtm_meta.builds order by build_id", "--format", "csv", "--warehouse", warehouse);
        Assert.Equal("status\npublished\nrunning\n", status.Stdout);

        // The next build cleans up the dead one's tables and publishes.
        var rebuild = GtmProcess.Run(RepoPaths.Root, "build", "--warehouse", warehouse);
        Assert.True(rebuild.ExitCode == 0, rebuild.All);
    }
}
