using System.Globalization;
using System.Text.Json;
using GtmMart.DemoData;
using GtmMart.Reporting;
using GtmMart.Scoring.Drift;
using GtmMart.Serving;
using GtmMart.Tests.Report;
using GtmMart.Tests.Serving;
using GtmMart.Tests.Support;
using GtmMart.Tests.Support.Browser;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;

namespace GtmMart.Tests.Monitoring;

/// <summary>
/// The score lifecycle end to end on a generated world, with no table filled by hand: load, build, train (the serving
/// fixture), write back run 1; load a later export in which half of the open opportunities closed as the generator's
/// truth draws them and the other half moved to another channel; build; write back run 2; build. Then <c>gtm monitor</c>
/// and the dashboard's "Are the scores right?" show run 1's realized AUC, Brier score and win rate by score band, run 2's
/// drift (the channel moved) and run 2's biggest score changes, each compared with a figure computed here from the runs'
/// scores, the outcomes and the version's drift reference.
/// </summary>
[Collection(ServingTestGroup.Name)]
public sealed class ScoreLifecycleEndToEndTests(ServingFixture fixture, SharedBrowser browser) : IClassFixture<SharedBrowser>
{
    private const string Model = ModelSet.OpportunityModelName;

    [ChromiumFact]
    public async Task Monitor_and_dashboard_show_realized_accuracy_drift_and_changes_as_computed_here()
    {
        using var folder = new TempDirectory();
        var db = new DuckDbWarehouse(fixture.CopyWarehouse(folder));
        var catalog = ModelCatalog.Load(RepoPaths.Sql);

        var first = WriteBack(db, "run-1");
        var run1 = Scores(db);
        Assert.Equal(first.Opportunities, run1.Count);

        // The later export: every other open deal (by id) closed by the generator's truth, the rest moved channel.
        var raw = fixture.Db.Folder.Sub("raw");
        var outcomes = LaterOutcomes.CloseOpen(raw, folder.Sub("closed-all"), new DateOnly(2025, 10, 15), seed: 23);
        var closing = outcomes.Keys.Order(StringComparer.Ordinal).Where((_, i) => i % 2 == 0).ToHashSet(StringComparer.Ordinal);
        var closedRows = File.ReadLines(Path.Combine(folder.Sub("closed-all"), LaterOutcomes.FileName)).Skip(1)
            .ToDictionary(l => l.Split(',')[0], StringComparer.Ordinal);
        var rawLines = File.ReadAllLines(Path.Combine(raw, LaterOutcomes.FileName));
        var later = folder.Sub("later");
        File.WriteAllLines(
            Path.Combine(later, LaterOutcomes.FileName),
            rawLines.Take(1).Concat(rawLines.Skip(1).Select(l => l.Split(',')).Where(f => outcomes.ContainsKey(f[0]))
                .Select(f => closing.Contains(f[0])
                    ? closedRows[f[0]]
                    : string.Join(',', f.Select((v, i) => i != 5 ? v : v == "Partner" ? "Meta" : "Partner")))));
        new RawLoader(db).Load(later, new LoadOptions { Append = true });
        Build(db, catalog);

        var second = WriteBack(db, "run-2");
        var run2 = Scores(db);
        Assert.Equal(outcomes.Count - closing.Count, second.Opportunities);
        Build(db, catalog);

        // Run 1, judged on the deals closed since (computed here: AUC by counting pairs, Brier, bands of the 1-99 score).
        var closed = run1.Where(s => closing.Contains(s.Key)).Select(s => (Id: s.Key, s.Value.P, s.Value.Score, Won: outcomes[s.Key])).ToList();
        var won = closed.Count(c => c.Won);
        Assert.True(won > 0 && won < closed.Count, $"{won} of {closed.Count} closed deals won: the AUC needs both");
        var auc = PairwiseAuc(closed.Select(c => (c.P, c.Won)).ToList());
        var brier = closed.Average(c => (c.P - (c.Won ? 1 : 0)) * (c.P - (c.Won ? 1 : 0)));

        // Run 2's channel drift against the version's reference (drift-reference.json), computed here.
        var version = fixture.Registry.Active(Model)!;
        var channelPsi = ChannelPsi(version.Directory, db);
        Assert.True(channelPsi > 0.1, $"moving half the open deals to another channel gives a channel PSI of {channelPsi}");

        // Run 2's changes since run 1: every deal still open, new score minus previous.
        var changes = run2.Select(s => (Id: s.Key, Delta: (double)(s.Value.Score - run1[s.Key].Score)))
            .Where(c => c.Delta != 0)
            .OrderByDescending(c => Math.Abs(c.Delta)).ThenBy(c => c.Id, StringComparer.Ordinal)
            .ToList();
        Assert.True(changes.Count > 0, "no open deal's score moved with its channel");

        // gtm monitor --format json.
        var result = GtmProcess.Run(RepoPaths.Root, "monitor", "--warehouse", db.DatabasePath, "--models", fixture.Registry.Root, "--format", "json");
        Assert.True(result.ExitCode == 0, result.All);
        var opportunity = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("model").GetString() == Model);
        var byRun = opportunity.GetProperty("accuracy").EnumerateArray().ToDictionary(a => a.GetProperty("run_id").GetString()!, StringComparer.Ordinal);
        Assert.Equal(["run-1", "run-2"], byRun.Keys.Order(StringComparer.Ordinal));
        var judged = byRun["run-1"];
        Assert.Equal(run1.Count, judged.GetProperty("scored").GetInt64());
        Assert.Equal(closed.Count, judged.GetProperty("closed_since").GetInt64());
        Assert.Equal(won, judged.GetProperty("won_since").GetInt64());
        Assert.Equal(auc, judged.GetProperty("realized_auc").GetDouble(), 1e-9);
        Assert.Equal(brier, judged.GetProperty("brier").GetDouble(), 1e-9);
        Assert.Equal(0, byRun["run-2"].GetProperty("closed_since").GetInt64());
        Assert.Equal(JsonValueKind.Null, byRun["run-2"].GetProperty("realized_auc").ValueKind);

        Assert.Equal("run-2", opportunity.GetProperty("latest_run_id").GetString());
        var drift = opportunity.GetProperty("drift").EnumerateArray().ToDictionary(d => d.GetProperty("feature").GetString()!, StringComparer.Ordinal);
        Assert.Equal(channelPsi, drift["channel"].GetProperty("psi").GetDouble(), 1e-9);
        Assert.True(drift["channel"].GetProperty("flagged").GetBoolean());
        Assert.Equal(second.Opportunities, drift["channel"].GetProperty("sample_size").GetInt64());

        // The verdict by the documented rules, from the figures computed here.
        var cv = version.Card.Metrics["cross_validation"]!["auc"]!;
        var scorePsi = drift[DriftColumns.OpportunityScore].GetProperty("psi").GetDouble();
        var expected = scorePsi > PopulationStability.SignificantAbove
            || (won >= 10 && closed.Count - won >= 10 && auc < cv["lower"]!.GetValue<double>())
            ? "retrain recommended"
            : won >= 10 && closed.Count - won >= 10 ? "ok" : "not enough closed deals yet";
        Assert.Equal(expected, opportunity.GetProperty("verdict").GetString());
        var failOn = GtmProcess.Run(RepoPaths.Root, "monitor", "--warehouse", db.DatabasePath, "--models", fixture.Registry.Root, "--fail-on", "retrain");
        Assert.True(failOn.ExitCode == (expected == "retrain recommended" ? 3 : 0), failOn.All);
        Assert.Contains("realized accuracy by run", failOn.Stdout, StringComparison.Ordinal);

        // The dashboard.
        var path = folder.File("report.html");
        var report = GtmReport.Write(db, RepoPaths.Sql, fixture.Registry, path);
        Assert.Empty(report.Data.Unavailable);
        await using var page = await LifecycleSectionTests.OpenAsync(browser, path);
        var figures = await LifecycleSectionTests.FiguresAsync(page);

        Assert.Equal(auc, Number(figures, "lifecycle.auc.run-1"), 1e-9);
        Assert.False(figures.ContainsKey("lifecycle.auc.run-2"), "run 2 has no closed deal to be judged by");
        Assert.Equal("run-1", figures["lifecycle.bands.run"]);
        for (var band = 1; band <= 10; band++)
        {
            var (from, to) = (band == 1 ? 1 : (band - 1) * 10, (band * 10) - 1);
            var inBand = closed.Where(c => c.Score >= from && c.Score <= to).ToList();
            Assert.Equal(inBand.Count, (long)Number(figures, $"lifecycle.band.{band}.closed"));
            if (inBand.Count == 0)
            {
                Assert.False(figures.ContainsKey($"lifecycle.band.{band}.win_rate"), $"band {band} has no closed deal");
                continue;
            }

            Assert.Equal(inBand.Count(c => c.Won) / (double)inBand.Count, Number(figures, $"lifecycle.band.{band}.win_rate"), 1e-12);
            Assert.Equal(inBand.Average(c => c.P), Number(figures, $"lifecycle.band.{band}.mean_probability"), 1e-9);
        }

        Assert.Equal(channelPsi, Number(figures, $"lifecycle.drift.{Model}.channel"), 1e-9);
        var shownChanges = figures.Where(f => f.Key.StartsWith("lifecycle.change.opportunity.", StringComparison.Ordinal))
            .ToDictionary(f => f.Key["lifecycle.change.opportunity.".Length..], f => double.Parse(f.Value, CultureInfo.InvariantCulture), StringComparer.Ordinal);
        var top = changes.Take(10).ToList();
        Assert.Equal(top.Select(c => c.Id).Order(StringComparer.Ordinal), shownChanges.Keys.Order(StringComparer.Ordinal));
        Assert.All(top, c => Assert.Equal(c.Delta, shownChanges[c.Id]));
        page.AssertClean();
    }

    private WriteBackResult WriteBack(DuckDbWarehouse db, string runId)
    {
        using var models = ModelSet.LoadActive(fixture.Registry);
        return new ScoreWriteBack(db).Run(models, FeatureStore.Load(db), runId);
    }

    private static void Build(DuckDbWarehouse db, ModelCatalog catalog)
    {
        var build = new MartBuilder(db, catalog).Build();
        Assert.True(build.Published, string.Join("; ", build.Failures.Select(f => f.Test.Name)));
    }

    /// <summary>The latest opportunity scores: id → (probability, 1-99 score).</summary>
    private static Dictionary<string, (double P, int Score)> Scores(DuckDbWarehouse db)
    {
        using var connection = db.Open();
        return connection.Query("select opportunity_id, probability, score from mart.mrt_opportunity_scores", TestWarehouse.ReadRow)
            .ToDictionary(r => (string)r[0]!, r => (Convert.ToDouble(r[1], CultureInfo.InvariantCulture), Convert.ToInt32(r[2], CultureInfo.InvariantCulture)), StringComparer.Ordinal);
    }

    /// <summary>The share of (won, lost) pairs the won deal's probability ranks higher, ties counting half.</summary>
    private static double PairwiseAuc(List<(double P, bool Won)> deals)
    {
        var wins = deals.Where(d => d.Won).Select(d => d.P).ToList();
        var losses = deals.Where(d => !d.Won).Select(d => d.P).ToList();
        var credit = wins.Sum(w => losses.Sum(l => w > l ? 1.0 : w == l ? 0.5 : 0.0));
        return credit / ((double)wins.Count * losses.Count);
    }

    /// <summary>
    /// The channel's population stability index of the open deals in the mart against the reference kept with the
    /// version: the reference's category bins, then other/unseen and missing; an empty bin counts as 0.0001.
    /// </summary>
    private static double ChannelPsi(string versionDirectory, DuckDbWarehouse db)
    {
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(versionDirectory, DriftReference.FileName)));
        var column = reference.RootElement.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "channel");
        var categories = column.GetProperty("categories").EnumerateArray().Select(c => c.GetString()!).ToList();
        var expected = column.GetProperty("counts").EnumerateArray().Select(c => c.GetDouble()).ToList();
        Assert.Equal(categories.Count + 2, expected.Count);

        using var connection = db.Open();
        var actual = new double[expected.Count];
        foreach (var row in connection.Query("select channel from mart.mrt_opportunity_features where not is_closed", TestWarehouse.ReadRow))
        {
            var channel = row[0] as string;
            var index = string.IsNullOrEmpty(channel) ? categories.Count + 1 : categories.IndexOf(channel) is >= 0 and var i ? i : categories.Count;
            actual[index]++;
        }

        double referenceRows = expected.Sum(), scoredRows = actual.Sum();
        return expected.Zip(actual).Sum(p =>
        {
            double e = Math.Max(p.First / referenceRows, 1e-4), a = Math.Max(p.Second / scoredRows, 1e-4);
            return (a - e) * Math.Log(a / e);
        });
    }

    private static double Number(Dictionary<string, string> figures, string key) =>
        figures.TryGetValue(key, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : throw new Xunit.Sdk.XunitException($"no figure {key} on the page");
}
