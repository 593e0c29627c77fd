using System.Diagnostics;
using GtmMart.Tests.Support;

namespace GtmMart.Tests.Sql;

/// <summary>
/// Runs tools/sql-dialect-check (Node, @polyglot-sql/sdk): every model and report query under sql/ must be valid
/// Snowflake SQL that transpiling from DuckDB leaves unchanged. Installs the npm packages first when they are missing.
/// </summary>
public sealed class DialectCheckTests
{
    private static readonly string Tool = Path.Combine(RepoPaths.Root, "tools", "sql-dialect-check");

    [Fact]
    public void Every_model_is_portable_snowflake_sql()
    {
        EnsurePackages();

        var result = Node("check.mjs", RepoPaths.Sql);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("mrt_monthly_channel_metrics", result.Output, StringComparison.Ordinal);

        // The report queries under sql/reports are checked too (the tool walks every folder under sql/).
        var reports = Directory.GetFiles(Path.Combine(RepoPaths.Sql, "reports"), "*.sql");
        Assert.NotEmpty(reports);
        Assert.All(reports, file => Assert.Contains($"ok   {Path.GetRelativePath(Tool, file)}", result.Output, StringComparison.Ordinal));
    }

    [Fact]
    public void The_check_catches_duckdb_only_constructs()
    {
        EnsurePackages();

        var result = Node("check.mjs", "--self-test");

        Assert.True(result.ExitCode == 0, result.Output);
    }

    private static void EnsurePackages()
    {
        if (!Directory.Exists(Path.Combine(Tool, "node_modules", "@polyglot-sql")))
        {
            var install = Run("npm", "ci", "--no-audit", "--no-fund");
            Assert.True(install.ExitCode == 0, "npm ci in tools/sql-dialect-check failed: " + install.Output);
        }
    }

    private static (int ExitCode, string Output) Node(params string[] args) => Run("node", args);

    private static (int ExitCode, string Output) Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = Tool, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start (is Node.js installed?)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{program} timed out");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
