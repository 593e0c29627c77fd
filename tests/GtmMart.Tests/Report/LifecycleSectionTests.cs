using System.Globalization;
using System.Text.Json;
using GtmMart.Reporting;
using GtmMart.Tests.Drift;
using GtmMart.Tests.Support;
using GtmMart.Tests.Support.Browser;

namespace GtmMart.Tests.Report;

/// <summary>
/// "Are the scores right?" in headless Chromium on generated worlds: the drift flags of the shifted world equal
/// <c>mart.mrt_feature_drift</c>, and the parts that need closed deals say so instead of drawing nothing.
/// </summary>
[Collection(DriftWorldsGroup.Name)]
public sealed class LifecycleSectionTests(DriftWorlds worlds) : IAsyncLifetime
{
    private HeadlessChromium? browser;

    public async Task InitializeAsync()
    {
        if (HeadlessChromium.FindExecutable() is not null)
        {
            browser = await HeadlessChromium.LaunchAsync();
        }
    }

    public Task DisposeAsync()
    {
        browser?.Dispose();
        return Task.CompletedTask;
    }

    [ChromiumFact]
    public async Task The_drift_flags_are_the_latest_run_s_and_only_moved_columns_are_listed()
    {
        var path = worlds.Shifted.Folder.File("report-lifecycle.html");
        var report = GtmReport.Write(worlds.Shifted.Warehouse, RepoPaths.Sql, worlds.Registry, path);
        Assert.True(report.Data.ScoresAvailable);
        using var page = await OpenAsync(path);

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
        AssertClean(page, path);
    }

    private async Task<CdpPage> OpenAsync(string path)
    {
        var page = await browser!.NewPageAsync();
        await page.SetViewportAsync(1366, 900);
        await page.NavigateAsync(new Uri(path).AbsoluteUri);
        var renders = await page.EvaluateAsync("document.body.dataset.renders || null");
        Assert.True(renders.ValueKind == JsonValueKind.String, "the page's script did not render; errors: " + string.Join("; ", page.Errors));
        return page;
    }

    private static async Task<Dictionary<string, string>> FiguresAsync(CdpPage page)
    {
        var pairs = await page.EvaluateAsync("[...document.querySelectorAll('[data-figure]')].map(e => [e.dataset.figure, e.dataset.value])");
        return pairs.EnumerateArray().ToDictionary(p => p[0].GetString()!, p => p[1].GetString()!, StringComparer.Ordinal);
    }

    private static void AssertClean(CdpPage page, string path)
    {
        Assert.True(page.Errors.Count == 0, "browser errors:\n" + string.Join("\n", page.Errors));
        var file = new Uri(path).AbsoluteUri;
        Assert.All(page.Requests, url => Assert.True(url == file || url.StartsWith(file + "#", StringComparison.Ordinal), $"the page requested {url}"));
    }
}
