using System.Globalization;
using System.Text.Json;
using GtmMart.Serving;
using GtmMart.Serving.Monitoring;
using GtmMart.Tests.Drift;
using GtmMart.Tests.Support;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Tests.Monitoring;

/// <summary><c>gtm monitor</c> over real warehouses: the drift worlds (trained, resampled, shifted, extreme) and their copies.</summary>
[Collection(DriftWorldsGroup.Name)]
public sealed class MonitorCommandTests(DriftWorlds worlds)
{
    private const string RetrainExit = "3";
    private const string DriftColumnsScore = GtmMart.Scoring.Drift.DriftColumns.OpportunityScore;

    [Fact]
    public void A_world_far_from_training_recommends_retraining_for_score_drift_and_fails_only_when_asked()
    {
        var json = Monitor(worlds.Extreme, "--format", "json");
        Assert.Equal(0, json.ExitCode);
        var report = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.True(report.GetProperty("retrain_recommended").GetBoolean());

        // Only 5,000+ employee accounts: the ICP fit score (firmographics only) moved far from its training reference.
        var icp = Model(report, ModelSet.IcpModelName);
        Assert.Equal(Verdicts.Retrain, icp.GetProperty("verdict").GetString());
        var fit = icp.GetProperty("drift").EnumerateArray().Single(d => d.GetProperty("kind").GetString() == "score");
        Assert.True(fit.GetProperty("psi").GetDouble() > 0.25, fit.ToString());
        Assert.Contains(icp.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.Contains("score's distribution moved", StringComparison.Ordinal));
        Assert.Equal("run-drift", icp.GetProperty("latest_run_id").GetString());

        var table = Monitor(worlds.Extreme);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("icp " + worlds.IcpVersion, table.Stdout, StringComparison.Ordinal);
        Assert.Contains(Verdicts.Retrain, table.Stdout, StringComparison.Ordinal);
        Assert.Contains("employee_band", table.Stdout, StringComparison.Ordinal);

        var failing = Monitor(worlds.Extreme, "--fail-on", "retrain");
        Assert.True(failing.ExitCode.ToString(CultureInfo.InvariantCulture) == RetrainExit, failing.All);
    }

    [Fact]
    public void Feature_drift_is_flagged_without_a_verdict_while_the_score_holds()
    {
        // The shifted world moved channel and size (flagged) but not the opportunity score, and no deal closed since.
        var report = Report(worlds.Shifted.Warehouse);
        var opportunity = Model(report, ModelSet.OpportunityModelName);
        Assert.Equal(Verdicts.NotEnoughClosed, opportunity.GetProperty("verdict").GetString());
        var flagged = opportunity.GetProperty("drift").EnumerateArray().Where(d => d.GetProperty("flagged").GetBoolean()).Select(d => d.GetProperty("feature").GetString()).ToList();
        Assert.Contains("channel", flagged);
        Assert.Contains("employee_band", flagged);
        Assert.DoesNotContain(DriftColumnsScore, flagged);
    }

    [Fact]
    public void An_unshifted_world_is_ok_and_passes_with_fail_on_retrain()
    {
        var result = Monitor(worlds.Resample, "--format", "json", "--fail-on", "retrain");
        Assert.True(result.ExitCode == 0, result.All);
        var report = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.False(report.GetProperty("retrain_recommended").GetBoolean());
        Assert.Equal(Verdicts.Ok, Model(report, ModelSet.IcpModelName).GetProperty("verdict").GetString());
        Assert.Equal(Verdicts.NotEnoughClosed, Model(report, ModelSet.OpportunityModelName).GetProperty("verdict").GetString());
        Assert.All(
            report.GetProperty("models").EnumerateArray().SelectMany(m => m.GetProperty("drift").EnumerateArray()),
            d => Assert.False(d.GetProperty("flagged").GetBoolean(), d.ToString()));
    }

    [Fact]
    public void StandIn_performance_table_realized_auc_below_the_cards_cv_interval_recommends_retraining_and_few_closed_deals_do_not()
    {
        using var folder = new TempDirectory();
        var copy = Copy(worlds.Resample, folder);
        var version = worlds.Registry.Active(ModelSet.OpportunityModelName)!;
        var lower = version.Card.Metrics["cross_validation"]!["auc"]!["lower"]!.GetValue<double>();

        // STAND-IN (until lifecycle-history, which builds it, is on main): mart.mrt_model_performance with the columns
        // lifecycle-history's build gives it (counts are DuckDB sums: HUGEINT), written directly so the verdict rule is tested alone: a run judged on 40 closed deals with a realized AUC
        // 0.1 under the card's interval, then the same AUC on 15 closed deals (fewer than 10 lost), then within it.
        using (var connection = copy.Open())
        {
            connection.Execute("drop view if exists mart.mrt_model_performance");
            connection.Execute(
                """
                create table mart.mrt_model_performance (
                    model_name varchar, model_version varchar, run_id varchar, scored_at timestamp, scored hugeint,
                    open_when_scored hugeint, closed_since hugeint, won_since hugeint, realized_auc double,
                    realized_auc_low double, realized_auc_high double, brier double, calibration_error double)
                """);
        }

        void Performance(long closed, long won, double auc)
        {
            using var connection = copy.Open();
            connection.Execute("delete from mart.mrt_model_performance");
            connection.Execute(
                """
                insert into mart.mrt_model_performance values
                    ($model, $version, 'run-drift', timestamp '2026-01-05 10:00:00', 1000, 1000, $closed, $won, $auc, $auc - 0.1, $auc + 0.1, 0.2, 0.05)
                """,
                ("model", ModelSet.OpportunityModelName), ("version", version.Version), ("closed", closed), ("won", won), ("auc", auc));
        }

        Performance(closed: 40, won: 20, auc: lower - 0.1);
        var below = Report(copy);
        var opportunity = Model(below, ModelSet.OpportunityModelName);
        Assert.Equal(Verdicts.Retrain, opportunity.GetProperty("verdict").GetString());
        Assert.Contains("below the model card's CV interval", opportunity.GetProperty("reasons")[0].GetString(), StringComparison.Ordinal);
        var run = opportunity.GetProperty("accuracy").EnumerateArray().Single();
        Assert.Equal(40, run.GetProperty("closed_since").GetInt64());
        Assert.Equal(lower - 0.1, run.GetProperty("realized_auc").GetDouble(), 9);
        var failing = Monitor(copy, "--fail-on", "retrain");
        Assert.True(failing.ExitCode.ToString(CultureInfo.InvariantCulture) == RetrainExit, failing.All);
        Assert.Contains("realized accuracy by run", failing.Stdout, StringComparison.Ordinal);

        Performance(closed: 15, won: 8, auc: lower - 0.1);
        Assert.Equal(Verdicts.NotEnoughClosed, Model(Report(copy), ModelSet.OpportunityModelName).GetProperty("verdict").GetString());

        Performance(closed: 40, won: 20, auc: lower + 0.01);
        Assert.Equal(Verdicts.Ok, Model(Report(copy), ModelSet.OpportunityModelName).GetProperty("verdict").GetString());
    }

    [Fact]
    public void Nothing_to_monitor_is_one_clear_line_each_and_creates_nothing()
    {
        using var folder = new TempDirectory();
        var nowhere = folder.File("nowhere.duckdb");
        var missing = GtmProcess.Run(RepoPaths.Root, "monitor", "--warehouse", nowhere, "--models", worlds.Registry.Root);
        AssertOneLine(missing, "No warehouse at");
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));

        var noRegistry = folder.File("no-registry");
        var noModel = Monitor(worlds.Resample, "--models", noRegistry);
        AssertOneLine(noModel, "No active model in");
        Assert.False(Directory.Exists(noRegistry));

        var emptyRegistry = folder.Sub("empty-registry");
        AssertOneLine(Monitor(worlds.Resample, "--models", emptyRegistry), "No active model in");
        Assert.Empty(Directory.EnumerateFileSystemEntries(emptyRegistry));

        // The training world was built but never scored: no score table appears because of the monitor.
        const string Tables = "select table_schema || '.' || table_name from information_schema.tables order by all";
        var before = worlds.Training.Rows(Tables);
        var notScored = Monitor(worlds.Training);
        AssertOneLine(notScored, "No score write-back in");
        Assert.Contains("gtm score", notScored.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, worlds.Training.Rows(Tables));
        Assert.DoesNotContain(before, r => (string)r[0]! == "gtm_meta.score_runs");
    }

    private static void AssertOneLine(ChildProcess.Result result, string expected)
    {
        Assert.True(result.ExitCode == 1, result.All);
        Assert.Empty(result.Stdout.Trim());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: " + expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", line, StringComparison.Ordinal);
    }

    private ChildProcess.Result Monitor(TestWarehouse db, params string[] args) => Monitor(db.Warehouse, args);

    private ChildProcess.Result Monitor(DuckDbWarehouse db, params string[] args) =>
        GtmProcess.Run(RepoPaths.Root, ["monitor", "--warehouse", db.DatabasePath, .. args.Contains("--models") ? [] : new[] { "--models", worlds.Registry.Root }, .. args]);

    private JsonElement Report(DuckDbWarehouse db)
    {
        var result = Monitor(db, "--format", "json");
        Assert.True(result.ExitCode == 0, result.All);
        return JsonDocument.Parse(result.Stdout).RootElement;
    }

    private static JsonElement Model(JsonElement report, string model) =>
        report.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("model").GetString() == model);

    private static DuckDbWarehouse Copy(TestWarehouse db, TempDirectory folder)
    {
        var copy = folder.File("warehouse.duckdb");
        File.Copy(db.Warehouse.DatabasePath, copy);
        if (File.Exists(db.Warehouse.DatabasePath + ".wal"))
        {
            File.Copy(db.Warehouse.DatabasePath + ".wal", copy + ".wal");
        }

        return new DuckDbWarehouse(copy);
    }
}
