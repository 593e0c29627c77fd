using GtmMart.Serving;
using GtmMart.Tests.Support;

namespace GtmMart.Tests.Sql;

/// <summary>
/// Runs tools/sql-dialect-check (Node, @polyglot-sql/sdk): every model, report query and score table declaration under sql/ must be valid
/// Snowflake SQL that transpiling from DuckDB leaves unchanged. Installs the npm packages first when they are missing.
/// </summary>
public sealed class DialectCheckTests
{
    [Fact]
    public void Every_model_is_portable_snowflake_sql()
    {
        var result = DialectCheckTool.Node("check.mjs", RepoPaths.Sql);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("mrt_monthly_channel_metrics", result.Output, StringComparison.Ordinal);

        // The report queries under sql/reports are checked too (the tool walks every folder under sql/).
        var reports = Directory.GetFiles(Path.Combine(RepoPaths.Sql, "reports"), "*.sql");
        Assert.NotEmpty(reports);
        Assert.All(reports, file => Assert.Contains($"ok   {Path.GetRelativePath(DialectCheckTool.Folder, file)}", result.Output, StringComparison.Ordinal));

        // So are the score tables' declarations under sql/scores (as portable CREATE TABLE files).
        var scores = Directory.GetFiles(Path.Combine(RepoPaths.Sql, "scores"), "*.sql");
        Assert.Equal(ScoreTables.All.Count, scores.Length);
        Assert.All(scores, file => Assert.Contains($"ok   {Path.GetRelativePath(DialectCheckTool.Folder, file)}", result.Output, StringComparison.Ordinal));

        // And the history tables' declarations under sql/history with the SELECTs that fill them (sql/history/queries).
        var history = Directory.GetFiles(Path.Combine(RepoPaths.Sql, "history"), "*.sql", SearchOption.AllDirectories);
        Assert.Equal(6, history.Length);
        Assert.All(history, file => Assert.Contains($"ok   {Path.GetRelativePath(DialectCheckTool.Folder, file)}", result.Output, StringComparison.Ordinal));
    }

    [Fact]
    public void The_check_catches_duckdb_only_constructs()
    {
        var result = DialectCheckTool.Node("check.mjs", "--self-test");

        Assert.True(result.ExitCode == 0, result.Output);
    }
}
