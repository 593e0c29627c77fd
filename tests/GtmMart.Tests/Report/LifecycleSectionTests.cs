using System.Globalization;
using System.Text.Json;
using GtmMart.Reporting;
using GtmMart.Tests.Drift;
using GtmMart.Tests.Support;
using GtmMart.Tests.Support.Browser;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Tests.Report;

/// <summary>
/// "Are the scores right?" in headless Chromium on generated worlds: the drift flags of the shifted world equal
/// <c>mart.mrt_feature_drift</c>, and the parts that need closed deals say so instead of drawing nothing.
/// </summary>
[Collection(DriftWorldsGroup.Name)]
public sealed class LifecycleSectionTests(DriftWorlds worlds, SharedBrowser browser) : IClassFixture<SharedBrowser>
{
    [ChromiumFact]
    public async Task The_drift_flags_are_the_latest_run_s_and_only_moved_columns_are_listed()
    {
        var path = worlds.Shifted.Folder.File("report-lifecycle.html");
        var report = GtmReport.Write(worlds.Shifted.Warehouse, RepoPaths.Sql, worlds.Registry, path);
        Assert.True(report.Data.ScoresAvailable);
        await using var page = await OpenAsync(path);

        var figures = await FiguresAsync(page);
        var drift = worlds.Shifted.Rows("select model_name, feature, kind, psi, reading from mart.mrt_feature_drift where run_id = 'run-drift'");
        var shown = drift.Where(r => (string)r[2]! == "score" || (string)r[4]! != "stable").ToList();
        Assert.NotEmpty(shown);
        Assert.Contains(shown, r => (string)r[1]! == "channel" && (string)r[4]! == "significant");
        foreach (var row in shown)
        {
            var key = $"lifecycle.drift.{row[0]}.{row[1]}";
            Assert.True(figures.ContainsKey(key), $"no figure {key}");
            Assert.Equal(Convert.ToDouble(row[3], CultureInfo.InvariantCulture), double.Parse(figures[key], CultureInfo.InvariantCulture), 9);
        }

        // Stable features are counted, not listed.
        Assert.Equal(shown.Count, figures.Keys.Count(k => k.StartsWith("lifecycle.drift.", StringComparison.Ordinal)));
        var text = (await page.EvaluateAsync("document.getElementById('lifecycle-body').innerText")).GetString()!;
        Assert.Contains("▲▲ significant", text, StringComparison.Ordinal);
        var stable = drift.Count(r => (string)r[0]! == "opportunity-scoring" && (string)r[4]! == "stable");
        Assert.Contains($"{stable} of {drift.Count(r => (string)r[0]! == "opportunity-scoring")} stable", text, StringComparison.Ordinal);

        // No deal scored has closed yet: the accuracy parts say what is missing.
        Assert.DoesNotContain(figures.Keys, k => k.StartsWith("lifecycle.auc.", StringComparison.Ordinal) && k != "lifecycle.auc.status");
        Assert.Contains(report.Data.Unavailable.ContainsKey("model_performance") ? "realized accuracy is not in this mart yet" : "No deal scored by a past run", text, StringComparison.Ordinal);
        page.AssertClean();
    }

    [ChromiumFact]
    public async Task StandIn_accuracy_and_change_tables_realized_auc_calibration_and_score_changes_show_their_figures()
    {
        // STAND-IN (until lifecycle-history, which builds these tables, is on main): the accuracy and change tables
        // with the columns lifecycle-history's build and write-back give them, filled by hand in a copy of the shifted
        // world: two runs, one judged below the active version's CV interval, ten score bands, and two changed
        // opportunities.
        using var folder = new TempDirectory();
        var copy = folder.File("warehouse.duckdb");
        File.Copy(worlds.Shifted.Warehouse.DatabasePath, copy);
        if (File.Exists(worlds.Shifted.Warehouse.DatabasePath + ".wal"))
        {
            File.Copy(worlds.Shifted.Warehouse.DatabasePath + ".wal", copy + ".wal");
        }

        var db = new DuckDbWarehouse(copy);
        var version = worlds.OpportunityVersion;
        var cvLower = worlds.Registry.Active("opportunity-scoring")!.Card.Metrics["cross_validation"]!["auc"]!["lower"]!.GetValue<double>();
        using (var connection = db.Open())
        {
            foreach (var sql in StandIns)
            {
                connection.Execute(sql, ("version", version), ("below", cvLower - 0.08));
            }
        }

        var path = folder.File("report.html");
        var report = GtmReport.Write(db, RepoPaths.Sql, worlds.Registry, path);
        Assert.Empty(report.Data.Unavailable);
        await using var page = await OpenAsync(path);
        var figures = await FiguresAsync(page);

        Assert.Equal(0.74, double.Parse(figures["lifecycle.auc.run-a"], CultureInfo.InvariantCulture), 9);
        Assert.Equal(cvLower - 0.08, double.Parse(figures["lifecycle.auc.run-drift"], CultureInfo.InvariantCulture), 9);
        Assert.Equal("run-a", figures["lifecycle.bands.run"]);
        for (var band = 1; band <= 10; band++)
        {
            Assert.Equal((band - 0.5) / 10, double.Parse(figures[$"lifecycle.band.{band}.mean_probability"], CultureInfo.InvariantCulture), 9);
            Assert.Equal(band * 4, long.Parse(figures[$"lifecycle.band.{band}.closed"], CultureInfo.InvariantCulture));
            Assert.Equal(band / 2 / (band * 4.0), double.Parse(figures[$"lifecycle.band.{band}.win_rate"], CultureInfo.InvariantCulture), 9);
        }

        Assert.Equal(-23, double.Parse(figures["lifecycle.change.opportunity.O2"], CultureInfo.InvariantCulture));
        Assert.Equal(7, double.Parse(figures["lifecycle.change.opportunity.O1"], CultureInfo.InvariantCulture));
        var text = (await page.EvaluateAsync("document.getElementById('lifecycle-body').innerText")).GetString()!;
        Assert.Contains("web engagement −0.81, channel +0.12", text, StringComparison.Ordinal);
        Assert.Contains("retraining is recommended", text, StringComparison.Ordinal);
        Assert.True(
            text.IndexOf("O2", StringComparison.Ordinal) < text.IndexOf("O1", StringComparison.Ordinal),
            "the larger change comes first");
        page.AssertClean();
    }

    private static readonly string[] StandIns =
    [
        "drop view if exists mart.mrt_model_performance",
        "drop view if exists mart.mrt_model_performance_bands",
        """
        create or replace table mart.mrt_model_performance as
        select * from (values
            ('opportunity-scoring', $version, 'run-a', timestamp '2026-01-05 10:00:00', 900, 900, 120, 60, 0.74, 0.65, 0.83, 0.2, 0.04),
            ('opportunity-scoring', $version, 'run-drift', timestamp '2026-02-05 10:00:00', 950, 950, 40, 20, $below, $below - 0.1, $below + 0.1, 0.25, 0.09))
            as t(model_name, model_version, run_id, scored_at, scored, open_when_scored, closed_since, won_since,
                 realized_auc, realized_auc_low, realized_auc_high, brier, calibration_error)
        """,
        """
        create or replace table mart.mrt_model_performance_bands as
        select 'opportunity-scoring' as model_name, $version as model_version, run_id, band,
               case when band = 1 then 1 else (band - 1) * 10 end as score_from, band * 10 - 1 as score_to,
               band * 5 as scored, band * 4 as closed_since, band // 2 as won_since,
               (band // 2) / (band * 4.0) as win_rate, (band - 0.5) / 10 as mean_probability
        from (select unnest(range(1, 11)) as band) as bands, (select unnest(['run-a', 'run-drift']) as run_id) as runs
        where run_id = 'run-a' or band <= 3
        """,
        """
        create or replace table mart.mrt_score_changes as
        select * from (values
            ('run-drift', 'run-a', 'opportunity', 'O1', 'opportunity-scoring', $version, $version, timestamp '2026-02-05 10:00:00',
             timestamp '2026-01-05 10:00:00', 40.0, 47.0, 7.0, cast(null as varchar), cast(null as varchar), 'channel', 0.3, cast(null as varchar), cast(null as double), cast(null as varchar), cast(null as double)),
            ('run-drift', 'run-a', 'opportunity', 'O2', 'opportunity-scoring', $version, $version, timestamp '2026-02-05 10:00:00',
             timestamp '2026-01-05 10:00:00', 60.0, 37.0, -23.0, cast(null as varchar), cast(null as varchar), 'web_engagement', -0.81, 'channel', 0.12, cast(null as varchar), cast(null as double)))
            as t(run_id, previous_run_id, entity_type, entity_id, model_name, model_version, previous_model_version, scored_at,
                 previous_scored_at, previous_score, score, delta, previous_tier, tier, moved_family_1, moved_contribution_1,
                 moved_family_2, moved_contribution_2, moved_family_3, moved_contribution_3)
        """,
    ];

    private Task<BrowserPage> OpenAsync(string path) => OpenAsync(browser, path);

    /// <summary>Opens a written dashboard on a laptop viewport, failing when its script did not render.</summary>
    internal static async Task<BrowserPage> OpenAsync(SharedBrowser browser, string path)
    {
        var page = await browser.OpenAsync(path, Viewport.Desktop);
        var renders = await page.EvaluateAsync("document.body.dataset.renders || null");
        Assert.True(renders.ValueKind == JsonValueKind.String, "the page's script did not render; errors: " + string.Join("; ", page.Errors));
        return page;
    }

    /// <summary>Every figure on the page: data-figure → data-value (the unformatted query value).</summary>
    internal static async Task<Dictionary<string, string>> FiguresAsync(BrowserPage page)
    {
        var pairs = await page.EvaluateAsync("[...document.querySelectorAll('[data-figure]')].map(e => [e.dataset.figure, e.dataset.value])");
        return pairs.EnumerateArray().ToDictionary(p => p[0].GetString()!, p => p[1].GetString()!, StringComparer.Ordinal);
    }
}
