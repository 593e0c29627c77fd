using System.Diagnostics;
using System.Globalization;
using GtmMart.Serving;
using GtmMart.Tests.Support;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Tests.Serving;

/// <summary><c>gtm score</c> killed (SIGKILL, no cleanup) between its two table writes leaves the previous run in place.</summary>
[Collection(ServingTestGroup.Name)]
public sealed class KilledScoreTests(ServingFixture fixture)
{
    private const string Snapshot =
        """
        select 'o', opportunity_id, cast(score as double), run_id from mart.mrt_opportunity_scores
        union all select 'a', account_id, fit_score, run_id from mart.mrt_account_scores
        union all select entity_type, entity_id, score, run_id from mart.mrt_score_history_daily
        union all select 'run', run_id, opportunities, status from gtm_meta.score_runs
        union all select 'drift', model_name || ' ' || feature, psi, run_id from mart.mrt_feature_drift
        union all select 'h-' || entity_type, entity_id, score, run_id from history.scores
        union all select 'f-' || family, entity_id, contribution, run_id from history.score_factors
        union all select 'c-' || entity_type, entity_id, delta, run_id from mart.mrt_score_changes
        order by all
        """;

    [Theory]
    [InlineData(ScoreWriteBack.AfterOpportunitiesFailpoint)]
    [InlineData(ScoreWriteBack.BeforeCommitFailpoint)]
    public async Task Killing_gtm_score_midway_leaves_the_previous_run(string failpoint)
    {
        using var folder = new TempDirectory();
        var db = new DuckDbWarehouse(fixture.CopyWarehouse(folder));
        using (var models = ModelSet.LoadActive(fixture.Registry))
        {
            new ScoreWriteBack(db).Run(models, FeatureStore.Load(db), "earlier");
            new ScoreWriteBack(db).Run(models, FeatureStore.Load(db), "previous");
        }

        var before = Rows(db);
        Assert.Contains(before, r => (string?)r[0] == "run" && (string?)r[1] == "previous");
        Assert.Contains(before, r => (string?)r[0] == "c-opportunity" && (string?)r[3] == "previous");

        var environment = new Dictionary<string, string> { ["GTM_FAILPOINT"] = failpoint };
        var args = new[] { "score", "--warehouse", db.DatabasePath, "--models", fixture.Registry.Root, "--run-id", "killed" };
        using (var score = Process.Start(GtmProcess.StartInfo(RepoPaths.Root, environment, args))!)
        {
            var stderr = score.StandardError.ReadToEndAsync();
            var lines = new List<string>();
            var killed = await ChildProcess.ReadUntilLineAsync(score, $"failpoint {failpoint} reached", lines);
            score.Kill(entireProcessTree: true);
            await score.WaitForExitAsync();
            var errors = await stderr;
            Assert.True(killed, $"gtm score ended before it reached {failpoint}:\n{string.Join('\n', lines)}\n{errors}");
            Assert.Contains(lines, l => l.Contains("opportunity scores", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("drift rows", StringComparison.Ordinal) && !l.Contains("wrote 0 drift", StringComparison.Ordinal));
        }

        // Nothing of the killed run is visible: the previous scores, daily and per-run history, changes and ledger are unchanged.
        Assert.Equal(before, Rows(db));
        Assert.Equal(0, db.Scalar("select count(*) from gtm_meta.score_runs where run_id = 'killed'"));
        Assert.Contains(before, r => (string?)r[0] == "drift" && (string?)r[3] == "previous");
        Assert.Equal(0, db.Scalar("select count(*) from mart.mrt_feature_drift where run_id = 'killed'"));

        // The same run id then goes through (the dead process left no lock and no partial run behind).
        var rerun = GtmProcess.Run(RepoPaths.Root, args);
        Assert.True(rerun.ExitCode == 0, rerun.All);
        Assert.Contains("run killed written", rerun.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, db.Scalar("select count(*) from mart.mrt_opportunity_scores where run_id <> 'killed'"));
        Assert.Equal(1, db.Scalar("select count(*) from gtm_meta.score_runs where run_id = 'killed' and status = 'succeeded'"));
        Assert.True(Convert.ToInt64(db.Scalar("select count(*) from mart.mrt_feature_drift where run_id = 'killed'"), CultureInfo.InvariantCulture) > 0);
        Assert.True(db.Scalar("select count(*) from history.scores where run_id = 'killed'") > 0);
        Assert.Equal(
            db.Scalar("select count(*) from history.scores where run_id = 'previous'"),
            db.Scalar("select count(*) from mart.mrt_score_changes where run_id = 'killed' and previous_run_id = 'previous'"));

        var again = GtmProcess.Run(RepoPaths.Root, args);
        Assert.True(again.ExitCode == 0, again.All);
        Assert.Contains("run killed already written", again.Stdout, StringComparison.Ordinal);
    }

    private static List<object?[]> Rows(DuckDbWarehouse db)
    {
        using var connection = db.Open();
        return connection.Query(Snapshot, TestWarehouse.ReadRow);
    }
}
