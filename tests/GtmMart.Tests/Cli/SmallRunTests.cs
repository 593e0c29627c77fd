using System.Text.Json;
using GtmMart.Tests.Support;

namespace GtmMart.Tests.Cli;

/// <summary>
/// <c>gtm run</c> on a single generated account (5 closed deals), as a child process: it finishes, writes honest
/// baseline scores labelled as such, and <c>gtm train</c> on the same snapshot stops with one line saying what is missing.
/// </summary>
public sealed class SmallRunTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Run_with_one_account_finishes_with_labelled_baselines_and_train_says_what_is_missing()
    {
        var warehouse = dir.File("one.duckdb");
        var run = GtmProcess.Run(dir.Path, "run", "--accounts", "1", "--warehouse", warehouse);

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Equal("", run.Stderr);
        Assert.Contains("opportunity-scoring not trained: cannot train opportunity scoring: 2 won and 3 lost closed opportunities", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("opportunity-scoring v0001 (baseline) is active", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("report written to", run.Stdout, StringComparison.Ordinal);

        // The write-back holds the baseline's scores, said to be one in each row and in the run ledger.
        var scores = Sql(warehouse, "select model_version, top_factors from mart.mrt_opportunity_scores");
        var score = Assert.Single(scores.EnumerateArray());
        Assert.Equal("v0001", score.GetProperty("model_version").GetString());
        Assert.Contains("Baseline, not a model", score.GetProperty("top_factors").GetString(), StringComparison.Ordinal);
        var ledger = Assert.Single(Sql(warehouse, "select opportunity_model_kind, opportunity_trust, opportunity_trust_reason, icp_model_kind, icp_trust from gtm_meta.score_runs").EnumerateArray());
        Assert.Equal(("baseline", "baseline_only", "baseline", "baseline_only"), (
            ledger.GetProperty("opportunity_model_kind").GetString(), ledger.GetProperty("opportunity_trust").GetString(),
            ledger.GetProperty("icp_model_kind").GetString(), ledger.GetProperty("icp_trust").GetString()));
        Assert.StartsWith("Baseline, not a model", ledger.GetProperty("opportunity_trust_reason").GetString(), StringComparison.Ordinal);
        // A warehouse other than the default keeps its outputs in a folder named after it.
        var page = File.ReadAllText(Path.Combine(dir.Path, "one", "report.html"));
        Assert.Contains("\"opportunity_model_kind\"", page, StringComparison.Ordinal);

        var train = GtmProcess.Run(dir.Path, "train", "--snapshot", Path.Combine(dir.Path, "one", "features"), "--warehouse", warehouse);
        Assert.Equal(1, train.ExitCode);
        var error = Assert.Single(train.Stderr.Trim().Split('\n'));
        Assert.StartsWith("error: cannot train opportunity scoring: 2 won and 3 lost closed opportunities", error, StringComparison.Ordinal);
        Assert.Contains("at least 5 of each", error, StringComparison.Ordinal);

        // gtm models finds the warehouse's own registry from --warehouse, as gtm run chose it; the default registry stays empty.
        var list = JsonDocument.Parse(GtmProcess.Run(dir.Path, "models", "list", "--format", "json", "--warehouse", warehouse).Stdout).RootElement;
        Assert.Equal(
            JsonDocument.Parse(GtmProcess.Run(dir.Path, "models", "list", "--format", "json", "--models", Path.Combine(dir.Path, "one", "models")).Stdout).RootElement.GetRawText(),
            list.GetRawText());
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "models")), "the default registry was not used");
        Assert.All(list.EnumerateArray(), v => Assert.Equal("baseline", v.GetProperty("kind").GetString()));
        Assert.Contains(list.EnumerateArray(), v => v.GetProperty("status").GetString() == "active" && v.GetProperty("model").GetString() == "opportunity-scoring");
    }

    private JsonElement Sql(string warehouse, string query)
    {
        var result = GtmProcess.Run(dir.Path, "sql", query, "--format", "json", "--warehouse", warehouse);
        Assert.True(result.ExitCode == 0, result.All);
        return JsonDocument.Parse(result.Stdout).RootElement;
    }
}
