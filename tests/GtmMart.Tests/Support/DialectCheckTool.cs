using System.Diagnostics;
using System.Text.Json;

namespace GtmMart.Tests.Support;

/// <summary>Runs tools/sql-dialect-check (Node, @polyglot-sql/sdk), installing its npm packages first when missing.</summary>
public static class DialectCheckTool
{
    public static readonly string Folder = Path.Combine(RepoPaths.Root, "tools", "sql-dialect-check");

    public static (int ExitCode, string Output) Node(params string[] args)
    {
        EnsurePackages();
        return Run("node", null, args);
    }

    /// <summary>Checks statements meant for Snowflake (<c>check.mjs --stdin-statements</c>).</summary>
    public static (int ExitCode, string Output) CheckSnowflakeStatements(IEnumerable<(string Name, string Sql)> statements)
    {
        EnsurePackages();
        var json = JsonSerializer.Serialize(statements.Select(s => new { name = s.Name, sql = s.Sql }));
        return Run("node", json, "check.mjs", "--stdin-statements");
    }

    private static void EnsurePackages()
    {
        if (!Directory.Exists(Path.Combine(Folder, "node_modules", "@polyglot-sql")))
        {
            var install = Run("npm", null, "ci", "--no-audit", "--no-fund");
            Assert.True(install.ExitCode == 0, "npm ci in tools/sql-dialect-check failed: " + install.Output);
        }
    }

    private static (int ExitCode, string Output) Run(string program, string? stdin, params string[] args)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = Folder };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var result = ChildProcess.Run(info, stdin);
        return (result.ExitCode, result.All);
    }
}
