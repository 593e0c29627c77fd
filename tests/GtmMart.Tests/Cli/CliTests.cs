using GtmMart.Tests.Loading;
using GtmMart.Tests.Support;

namespace GtmMart.Tests.Cli;

/// <summary>The real <c>gtm</c> binary, run as a child process.</summary>
public sealed class CliTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData("generate", "--accounts")]
    [InlineData("load", "--raw")]
    [InlineData("build", "--warehouse")]
    [InlineData("test", "--warehouse")]
    [InlineData("sql", "--format")]
    [InlineData("run", "--raw")]
    [InlineData("train", "--snapshot")]
    [InlineData("export-features", "--out")]
    [InlineData("score", "--run-id")]
    [InlineData("serve", "--urls")]
    [InlineData("report", "--out")]
    [InlineData("run", "--report")]
    public void Every_command_has_help(string command, string option)
    {
        var result = GtmProcess.Run(dir.Path, command, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(option, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_command_list_holds_what_users_run_and_no_benchmark()
    {
        var result = GtmProcess.Run(dir.Path, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("serve", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("bench", result.Stdout, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Sql_writes_csv_and_json_and_reads_the_warehouse_from_the_environment()
    {
        LoadValid("env.duckdb");
        var env = new Dictionary<string, string> { ["GTM_WAREHOUSE"] = dir.File("env.duckdb") };

        var csv = GtmProcess.Run(dir.Path, env, "sql", "select 1 as n, 'a,b' as s", "--format", "csv");
        var json = GtmProcess.Run(dir.Path, env, "sql", "select 1 as n, 'x' as s, null as z", "--format", "json");

        Assert.Equal("n,s\n1,\"a,b\"\n", csv.Stdout);
        Assert.Contains("\"n\": 1", json.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"z\": null", json.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(dir.File("env.duckdb")));
    }

    [Fact]
    public void A_failure_exits_non_zero_with_a_one_line_reason()
    {
        var missing = GtmProcess.Run(dir.Path, "load", "--raw", dir.File("nope"), "--warehouse", dir.File("w.duckdb"));
        LoadValid("w.duckdb");
        var badQuery = GtmProcess.Run(dir.Path, "sql", "select * from no_such_table", "--warehouse", dir.File("w.duckdb"));

        Assert.NotEqual(0, missing.ExitCode);
        Assert.Single(missing.Stderr.Trim().Split('\n'));
        Assert.StartsWith("error: Raw folder not found", missing.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, badQuery.ExitCode);
        Assert.StartsWith("error: query failed", badQuery.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sql", "select 1")]
    [InlineData("build")]
    [InlineData("test")]
    [InlineData("export-features")]
    [InlineData("train")]
    [InlineData("score")]
    [InlineData("report")]
    [InlineData("serve", "--urls", "http://127.0.0.1:0")]
    public void A_mistyped_warehouse_is_one_clear_line_and_creates_nothing(params string[] command)
    {
        var result = GtmProcess.Run(dir.Path, [.. command, "--warehouse", dir.File("wharehouse.duckdb")]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: No warehouse at {dir.File("wharehouse.duckdb")}: check the path, or create it with `gtm load --raw DIR` (or `gtm run`) first.", result.Stderr.Trim());
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Theory]
    [InlineData("No mart has been published yet: run `gtm build` first.", "test")]
    [InlineData("No mart has been published yet: run `gtm build` first.", "export-features")]
    [InlineData("No mart has been published yet: run `gtm build` first.", "train")]
    [InlineData("No mart has been published yet: run `gtm build` first.", "score")]
    [InlineData("No mart has been published yet: run `gtm build` first.", "report")]
    public void A_command_run_before_the_step_it_needs_names_that_step(string expected, params string[] command)
    {
        LoadValid("w.duckdb");

        var result = GtmProcess.Run(dir.Path, [.. command, "--warehouse", dir.File("w.duckdb")]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: " + expected, result.Stderr.Trim());
    }

    [Fact]
    public void Test_checks_each_sources_newest_date_against_the_thresholds()
    {
        var warehouse = LoadValid("w.duckdb");
        Assert.Equal(0, GtmProcess.Run(dir.Path, "build", "--warehouse", warehouse).ExitCode);

        var fresh = GtmProcess.Run(dir.Path, "test", "--warehouse", warehouse, "--as-of", "2025-07-03");
        var late = GtmProcess.Run(dir.Path, "test", "--warehouse", warehouse, "--as-of", "2025-07-06");
        var stale = GtmProcess.Run(dir.Path, "test", "--warehouse", warehouse, "--as-of", "2025-07-06", "--warn-after", "1", "--error-after", "3");

        Assert.True(fresh.ExitCode == 0, fresh.All);
        Assert.Contains("freshness web_analytics: newest session_date 2025-07-02, 1 day(s) old (ok)", fresh.Stdout, StringComparison.Ordinal);
        Assert.True(late.ExitCode == 0, late.All);
        Assert.Contains("freshness salesforce_opportunities: newest created_date 2025-07-02, 4 day(s) old (warn)", late.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, stale.ExitCode);
        Assert.Contains("freshness ad_spend: newest date 2025-07-02, 4 day(s) old (error)", stale.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_prints_read_loaded_rejected_per_file()
    {
        var raw = dir.Sub("raw");
        RawFiles.WriteValid(raw);
        RawFiles.Write(raw, "salesforce_opportunities.csv", RawFiles.OpportunitiesHeader,
            "O1,A1,2025-07-01,Closed Won,1000.00,Google Ads,Europe",
            "O1,A1,2025-07-01,Closed Won,1000.00,Google Ads,Europe");

        var result = GtmProcess.Run(dir.Path, "load", "--raw", raw, "--warehouse", dir.File("w.duckdb"), "--max-rejected", "50");

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Matches(@"salesforce_opportunities\s*│\s*salesforce_opportunities\.csv\s*│\s*2\s*│\s*1\s*│\s*1", result.Stdout);
        Assert.Contains("salesforce_opportunities.csv:3 column opportunity_id: duplicate opportunity_id (first seen on line 2)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_stops_at_a_refused_load_and_names_the_option_that_reads_the_file()
    {
        var raw = dir.Sub("raw");
        RawFiles.WriteValid(raw);
        RawFiles.Write(raw, "salesforce_opportunities.csv", RawFiles.OpportunitiesHeader,
            "O1,A1,8/23/2025,Closed Won,\"$67,959.77\",Google Ads,Europe",
            "O2,A2,9/13/2025,Pipeline,\"$1,000.00\",Organic,APAC");

        var refused = GtmProcess.Run(dir.Path, "run", "--raw", raw, "--warehouse", dir.File("w.duckdb"));
        var loaded = GtmProcess.Run(dir.Path, "load", "--raw", raw, "--warehouse", dir.File("w.duckdb"), "--date-format", "us");

        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("error: Load 1 refused, the raw data is unchanged: salesforce_opportunities.csv lost 2 of 2 records (100%): 2 x bad date in created_date (not YYYY-MM-DD: load with --date-format us", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("building", refused.Stdout, StringComparison.Ordinal);
        Assert.True(loaded.ExitCode == 0, loaded.All);
        Assert.Matches(@"salesforce_opportunities\s*│\s*salesforce_opportunities\.csv\s*│\s*2\s*│\s*2\s*│\s*0", loaded.Stdout);
    }

    [Fact]
    public void Run_generates_demo_data_loads_builds_tests_and_prints_the_funnel()
    {
        // The default warehouse keeps its layout: .gtm/warehouse.duckdb, .gtm/demo-raw, .gtm/features, .gtm/report.html, ./models.
        var result = GtmProcess.Run(dir.Path, "run", "--accounts", "150");

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("published build 1", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("0 failed", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Funnel by month", result.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir.Path, ".gtm", "demo-raw", "salesforce_accounts.csv")));
        Assert.Contains("opportunity-scoring", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("true-p AUC", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"report written to {Path.Combine(dir.Path, ".gtm", "report.html")}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("<title>GTM dashboard</title>", File.ReadAllText(Path.Combine(dir.Path, ".gtm", "report.html")), StringComparison.Ordinal);
        // The demo data ends on 2025-09-27: freshness is measured from the day after, not from today.
        var test = GtmProcess.Run(dir.Path, "test", "--as-of", "2025-09-28");
        Assert.True(test.ExitCode == 0, test.All);
        // gtm run wrote scores back, so the score tables' tests (sql/scores/_tables.yml) ran too.
        Assert.Matches(@"and\s+\d+\s+on\s+the\s+score\s+tables", test.Stdout);
        // ... and the history tables' (sql/history/_tables.yml: the stage history every load keeps, the score history).
        Assert.Matches(@"and\s+\d+\s+on\s+the\s+history\s+tables", test.Stdout);
        var report = GtmProcess.Run(dir.Path, "report", "--out", dir.File("out/dashboard.html"));
        Assert.True(report.ExitCode == 0, report.All);
        Assert.Contains("with scores", report.Stdout, StringComparison.Ordinal);
        Assert.True(new FileInfo(dir.File("out/dashboard.html")).Length > 10_000);

        // Retrain from the same snapshot: a second version becomes active; promote and rollback move the pointer.
        var train = GtmProcess.Run(dir.Path, "train", "--snapshot", Path.Combine(dir.Path, ".gtm", "features"));
        Assert.True(train.ExitCode == 0, train.All);
        // The same data again: the active version was fitted on the holdout, so both are compared in sample, and tie.
        Assert.Contains("for active v0001 (0.000), ECE", train.Stdout, StringComparison.Ordinal);
        Assert.Contains("(in sample for both: active v0001 was fitted on most of these rows", train.Stdout, StringComparison.Ordinal);
        var list = GtmProcess.Run(dir.Path, "models", "list");
        Assert.Matches(@"opportunity-scoring\s*│\s*v0002\s*│\s*active", list.Stdout);
        Assert.Equal(0, GtmProcess.Run(dir.Path, "models", "rollback", "opportunity-scoring").ExitCode);
        var show = GtmProcess.Run(dir.Path, "models", "show", "opportunity-scoring");
        Assert.Contains("\"version\": \"v0001\"", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"data_hash\"", show.Stdout, StringComparison.Ordinal);
        var promote = GtmProcess.Run(dir.Path, "models", "promote", "opportunity-scoring", "v0009");
        Assert.NotEqual(0, promote.ExitCode);
        Assert.Contains("has no version v0009", promote.Stderr, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(dir.Path, "models", "opportunity-scoring", "v0002")));

        // --no-activate registers a version that passes the gate without activating it.
        var quiet = GtmProcess.Run(dir.Path, "train", "--snapshot", Path.Combine(dir.Path, ".gtm", "features"), "--no-activate");
        Assert.True(quiet.ExitCode == 0, quiet.All);
        Assert.Contains("passed the gate, not activated", quiet.Stdout, StringComparison.Ordinal);
        Assert.Equal("v0001", ModelsJson("opportunity-scoring").Single(v => v.GetProperty("active").GetBoolean()).GetProperty("version").GetString());
        var v3 = ModelsJson("opportunity-scoring").Single(v => v.GetProperty("version").GetString() == "v0003");
        Assert.Equal(("candidate", "registered without activation"), (v3.GetProperty("status").GetString(), v3.GetProperty("why").GetString()![..29]));

        // A version the gate refuses (here: a config asking for more deals than exist) is promoted only with --force, which is recorded.
        File.WriteAllText(dir.File("strict.json"), """{ "name": "strict", "opportunity": { "gate": { "minimum_per_class": 100000, "good_per_class": 100000 } } }""");
        var strict = GtmProcess.Run(dir.Path, "train", "--snapshot", Path.Combine(dir.Path, ".gtm", "features"), "--config", dir.File("strict.json"));
        Assert.True(strict.ExitCode == 0, strict.All);
        Assert.Contains("opportunity-scoring v0004: promotion gate refused", strict.Stdout, StringComparison.Ordinal);
        Assert.Contains("FAIL  enough examples of each class", strict.Stdout, StringComparison.Ordinal);
        Assert.Contains("opportunity-scoring v0001 stays active", strict.Stdout, StringComparison.Ordinal);
        var refused = GtmProcess.Run(dir.Path, "models", "promote", "opportunity-scoring", "v0004");
        Assert.Equal(1, refused.ExitCode);
        Assert.Single(refused.Stderr.Trim().Split('\n'));
        Assert.StartsWith("error: opportunity-scoring v0004 was refused by the promotion gate (refused: too little data", refused.Stderr, StringComparison.Ordinal);
        var forced = GtmProcess.Run(dir.Path, "models", "promote", "opportunity-scoring", "v0004", "--force", "--reason", "pilot with sales");
        Assert.True(forced.ExitCode == 0, forced.All);
        Assert.Matches(@"opportunity-scoring\s*│\s*v0004\s*│\s*active \(forced\)", GtmProcess.Run(dir.Path, "models", "list").Stdout);
        var v4 = ModelsJson("opportunity-scoring").Single(v => v.GetProperty("version").GetString() == "v0004");
        Assert.True(v4.GetProperty("forced").GetBoolean());
        Assert.Contains("pilot with sales", v4.GetProperty("why").GetString(), StringComparison.Ordinal);
        Assert.Equal(Path.Combine(dir.Path, ".gtm", "warehouse.duckdb"), v4.GetProperty("source").GetProperty("warehouse").GetString()!["duckdb:".Length..]);
        Assert.Equal(1, v4.GetProperty("source").GetProperty("build_id").GetInt64());
    }

    private List<System.Text.Json.JsonElement> ModelsJson(string model)
    {
        var list = GtmProcess.Run(dir.Path, "models", "list", "--format", "json");
        Assert.True(list.ExitCode == 0, list.All);
        return [.. System.Text.Json.JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().Where(v => v.GetProperty("model").GetString() == model)];
    }

    [Fact]
    public void Two_warehouses_in_one_folder_keep_their_outputs_apart()
    {
        var raw = dir.Sub("raw");
        RawFiles.WriteValid(raw);
        foreach (var name in new[] { "eu", "us" })
        {
            var warehouse = dir.File(name + ".duckdb");
            foreach (var step in new[] { new[] { "load", "--raw", raw }, ["build"], ["export-features"], ["report"] })
            {
                var result = GtmProcess.Run(dir.Path, [.. step, "--warehouse", warehouse]);
                Assert.True(result.ExitCode == 0, result.All);
            }
        }

        foreach (var name in new[] { "eu", "us" })
        {
            Assert.True(File.Exists(Path.Combine(dir.Path, name, "report.html")));
            Assert.True(File.Exists(Path.Combine(dir.Path, name, "features", "manifest.json")));
        }

        Assert.False(File.Exists(dir.File("report.html")));
    }

    /// <summary>Loads the small valid raw folder into warehouse <paramref name="name"/> in the test folder; returns its path.</summary>
    private string LoadValid(string name)
    {
        var raw = dir.Sub("raw");
        RawFiles.WriteValid(raw);
        var result = GtmProcess.Run(dir.Path, "load", "--raw", raw, "--warehouse", dir.File(name));
        Assert.True(result.ExitCode == 0, result.All);
        return dir.File(name);
    }
}
