using System.Globalization;
using System.Text.Json;
using GtmMart.Tests.Support;
using GtmMart.Tests.Support.Browser;
using Xunit.Abstractions;

namespace GtmMart.Tests.Report;

/// <summary>
/// The GTM dashboard in a real browser (headless Chromium over the DevTools protocol) on the seed mart: it opens from
/// file:// with no console error and no request besides the file itself, its figures equal the mart queried directly,
/// the month and channel filters change them, and a screenshot is saved to <c>artifacts/report.png</c>.
/// </summary>
[Collection(SeedReportGroup.Name)]
public sealed class ReportPageTests(SeedReportFixture fixture, ITestOutputHelper output)
{
    private const string Metrics = "mart.mrt_monthly_channel_metrics";
    private const string August = "2025-08-01";
    private static readonly string[] SeedMonths = ["2025-07-01", "2025-08-01", "2025-09-01"];
    private static readonly string[] PaidChannels = ["Google Ads", "LinkedIn", "Meta", "Twitter"];

    public static string ArtifactsDirectory => Path.Combine(RepoPaths.Root, "artifacts");

    [ChromiumFact]
    public async Task Opens_offline_without_console_errors_fits_a_laptop_and_is_saved_as_a_screenshot()
    {
        var report = fixture.WithScores;
        using var page = await OpenAsync(report.Path, 1366, 768);

        var html = await File.ReadAllTextAsync(report.Path);
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("default-src 'none'", html, StringComparison.Ordinal);

        // Nothing overflows sideways on a 1366-pixel laptop screen.
        var widths = await page.EvaluateAsync("[document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        Assert.True(widths[0].GetInt32() <= 1366, $"the page is {widths[0].GetInt32()} px wide at a 1366 px viewport");

        // The page states when the data was built and when it was scored.
        var figures = await FiguresAsync(page);
        Assert.Equal(fixture.Db.Scalar<long>("select max(build_id) from gtm_meta.builds where status = 'published'"), long.Parse(figures["build.id"], CultureInfo.InvariantCulture));
        Assert.Equal(fixture.Db.Scalar<string>("select run_id from gtm_meta.score_runs where status = 'succeeded'"), figures["score.run_id"]);
        Assert.Equal("2025-07-01", figures["build.first_date"]);
        Assert.Equal("2025-09-28", figures["build.last_date"]);

        Directory.CreateDirectory(ArtifactsDirectory);
        var laptop = Path.Combine(ArtifactsDirectory, "report-laptop.png");
        await File.WriteAllBytesAsync(laptop, await page.ScreenshotAsync(fullPage: false));
        var full = Path.Combine(ArtifactsDirectory, "report.png");
        await File.WriteAllBytesAsync(full, await page.ScreenshotAsync(fullPage: true));
        output.WriteLine($"screenshots: {full} (whole page), {laptop} (1366x768 viewport)");
        Assert.True(new FileInfo(full).Length > 20_000);

        AssertClean(page, report.Path);
    }

    [ChromiumFact]
    public async Task Each_month_s_funnel_equals_the_mart_and_the_seed_readme()
    {
        var report = fixture.WithScores;
        using var page = await OpenAsync(report.Path);

        // Default: the latest complete month (September stops on the 28th).
        Assert.Equal(August, await SelectedAsync(page, "month-filter"));
        Assert.Equal("Total", await SelectedAsync(page, "channel-filter"));

        var totals = new double[4];
        var sessions = new List<double>();
        var opportunities = new List<double>();
        foreach (var month in SeedMonths)
        {
            await SelectAsync(page, "month-filter", month);
            var figures = await FiguresAsync(page);
            var expected = MetricValues("Total", month, 6, 7, 10, 11);
            for (var step = 1; step <= 4; step++)
            {
                Assert.Equal(expected[step - 1], Number(figures, $"funnel.count.{step}"));
                totals[step - 1] += Number(figures, $"funnel.count.{step}");
            }

            // Step conversions: visits → form is the mart's site conversion rate, opportunity → won its close won rate.
            Assert.Equal(MetricValues("Total", month, 8)[0], Number(figures, "funnel.conversion.2"), 12);
            Assert.Equal(MetricValues("Total", month, 12)[0], Number(figures, "funnel.conversion.4"), 12);
            Assert.Equal(expected[2] / expected[1], Number(figures, "funnel.conversion.3"), 12);

            // The month-over-month table holds the same counts, with the mart's change.
            Assert.Equal(expected[0], Number(figures, "mom.Total.count.1"));
            var change = fixture.Db.Scalar<double?>($"select mom_change_pct from {Metrics} where channel = 'Total' and month = cast($m as date) and metric_index = 10", ("m", month));
            Assert.Equal(change, NullableNumber(figures, "mom.Total.change.3"));
            sessions.Add(Number(figures, "funnel.count.1"));
            opportunities.Add(Number(figures, "funnel.count.3"));
        }

        Assert.Equal([4930.0, 737.0, 350.0, 80.0], totals);
        Assert.Equal([1689.0, 1735.0, 1506.0], sessions);
        Assert.Equal([38.0, 125.0, 187.0], opportunities);

        // Formatting: thousands separators and percentages.
        await SelectAsync(page, "month-filter", August);
        Assert.Equal("1,735", await TextAsync(page, "funnel.count.1"));
        Assert.Matches(@"^\d+\.\d%$", await TextAsync(page, "funnel.conversion.2"));
        AssertClean(page, report.Path);
    }

    [ChromiumFact]
    public async Task Choosing_a_channel_changes_every_section_to_that_channel_s_mart_figures()
    {
        var report = fixture.WithScores;
        using var page = await OpenAsync(report.Path);
        var all = await FiguresAsync(page);

        await SelectAsync(page, "channel-filter", "Google Ads");
        var google = await FiguresAsync(page);

        // Funnel and month over month: Google Ads' own counts.
        var expected = MetricValues("Google Ads", August, 6, 7, 10, 11);
        for (var step = 1; step <= 4; step++)
        {
            Assert.NotEqual(Number(all, $"funnel.count.{step}"), Number(google, $"funnel.count.{step}"));
            Assert.Equal(expected[step - 1], Number(google, $"funnel.count.{step}"));
        }

        Assert.Equal(expected[0], Number(google, "mom.Google Ads.count.1"));
        Assert.False(google.ContainsKey("mom.LinkedIn.count.1"));

        // Efficiency: cost per click, cost per session and ROAS are the mart's ratios; CAC is spend / closed won.
        var ratios = MetricValues("Google Ads", August, 4, 9, 14, 3, 11);
        Assert.Equal(ratios[0], Number(google, "efficiency.Google Ads.cost_per_click"), 12);
        Assert.Equal(ratios[1], Number(google, "efficiency.Google Ads.cost_per_session"), 12);
        Assert.Equal(ratios[2], Number(google, "efficiency.Google Ads.roas"), 12);
        Assert.Equal(ratios[3] / ratios[4], Number(google, "efficiency.Google Ads.cac"), 9);
        Assert.StartsWith("$", await TextAsync(page, "efficiency.Google Ads.cost_per_click"), StringComparison.Ordinal);
        Assert.EndsWith("×", await TextAsync(page, "efficiency.Google Ads.roas"), StringComparison.Ordinal);
        Assert.Equal(MetricValues("Google Ads", August, 6)[0] / MetricValues("Google Ads", August, 2)[0], Number(google, "efficiency.Google Ads.click_to_session_rate"), 12);

        // Session share: the channel's sessions over all sessions of the month.
        Assert.Equal(MetricValues("Google Ads", August, 6)[0] / MetricValues("Total", August, 6)[0], Number(google, "share.selected"), 12);

        // Paid media section: Google Ads against organic + direct.
        Assert.Equal(MetricValues("Google Ads", August, 13)[0], Number(google, "paid.Google Ads.closed_won_revenue_usd"));
        Assert.Equal(MetricValues("Organic", August, 6)[0] + MetricValues("Direct", August, 6)[0], Number(google, "paid.Organic + Direct.sessions"));
        Assert.False(google.ContainsKey("paid.Paid media.sessions"));
        Assert.Equal(PaidChannels.Sum(c => MetricValues(c, August, 6)[0]), Number(all, "paid.Paid media.sessions"));

        // ICP mix: share of the channel's opportunities from tier A/B accounts, from the score table.
        Assert.Equal(IcpShare("Google Ads", August), Number(google, "icp.Google Ads.share_ab"), 12);
        Assert.Equal(IcpShare("Total", August), Number(all, "icp.Total.share_ab"), 12);

        // Priority accounts and open opportunities now come from Google Ads' open opportunities only.
        var topAccount = await page.EvaluateAsync("document.querySelector('#accounts-body tr[data-account-id]').dataset.accountId");
        Assert.Equal(OpenPipeline(topAccount.GetString()!, "Google Ads", August), Number(google, "accounts.1.open_pipeline_usd"), 6);
        Assert.Equal(fixture.Db.Scalar<double>("select fit_score from mart.mrt_account_scores where account_id = $a", ("a", topAccount.GetString())), Number(google, "accounts.1.fit_score"), 9);
        var topOpportunity = (await page.EvaluateAsync("document.querySelector('#opportunities-body tr[data-opportunity-id]').dataset.opportunityId")).GetString();
        Assert.Equal("Google Ads", fixture.Db.Scalar<string>("select channel from core.fct_opportunities where opportunity_id = $o", ("o", topOpportunity)));
        Assert.Equal(
            fixture.Db.Scalar<double>(
                """
                select max(s.probability * o.pipeline_amount_usd) from mart.mrt_opportunity_scores s join core.fct_opportunities o using (opportunity_id)
                where not o.is_closed and o.channel = 'Google Ads' and o.created_date <= date '2025-08-31'
                """),
            Number(google, "opportunities.1.expected_value_usd"),
            6);
        Assert.Equal(
            fixture.Db.Scalar<double>("select score from mart.mrt_opportunity_scores where opportunity_id = $o", ("o", topOpportunity)),
            Number(google, "opportunities.1.score"));

        // A different month changes the figures again.
        await SelectAsync(page, "month-filter", "2025-07-01");
        var july = await FiguresAsync(page);
        Assert.Equal(MetricValues("Google Ads", "2025-07-01", 6)[0], Number(july, "funnel.count.1"));
        Assert.NotEqual(Number(google, "funnel.count.3"), Number(july, "funnel.count.3"));
        Assert.NotEqual(Number(google, "efficiency.Google Ads.cost_per_click"), Number(july, "efficiency.Google Ads.cost_per_click"));
        Assert.Equal("#month=2025-07-01&channel=Google%20Ads", (await page.EvaluateAsync("location.hash")).GetString());
        AssertClean(page, report.Path);
    }

    [ChromiumFact]
    public async Task The_weakest_paid_channel_values_are_flagged_in_words_as_well_as_colour()
    {
        var report = fixture.WithScores;
        using var page = await OpenAsync(report.Path);

        var flagged = await page.EvaluateAsync(
            "[...document.querySelectorAll('#efficiency-body td[data-weakest]')].map(td => [td.closest('tr').dataset.channel, td.dataset.weakest, td.textContent])");
        var cells = flagged.EnumerateArray().Select(c => (Channel: c[0].GetString()!, Metric: c[1].GetString()!, Text: c[2].GetString()!)).ToList();

        // Independently from the mart: the worst value of each metric among the paid channels in August.
        var spend = PaidChannels.ToDictionary(c => c, c => MetricValues(c, August, 3)[0]);
        var won = PaidChannels.ToDictionary(c => c, c => MetricValues(c, August, 11)[0]);
        var expected = new List<(string, string)>
        {
            (PaidChannels.MaxBy(c => MetricValues(c, August, 4)[0])!, "cost_per_click"),
            (PaidChannels.MaxBy(c => MetricValues(c, August, 9)[0])!, "cost_per_session"),
            (PaidChannels.MinBy(c => MetricValues(c, August, 14)[0])!, "roas"),
            (PaidChannels.MinBy(c => MetricValues(c, August, 6)[0] / MetricValues(c, August, 2)[0])!, "click_to_session_rate"),
            (PaidChannels.MaxBy(c => won[c] == 0 ? double.PositiveInfinity : spend[c] / won[c])!, "cac"),
        };

        Assert.Equal(expected.Order(), cells.Select(c => (c.Channel, c.Metric)).Order());
        Assert.All(cells, c => Assert.Contains("weakest", c.Text, StringComparison.Ordinal));
        var listed = (await page.EvaluateAsync("document.querySelector('#efficiency-body .weak-list').textContent")).GetString()!;
        Assert.Contains("Highest cost per click", listed, StringComparison.Ordinal);
        Assert.Contains("Lowest ROAS", listed, StringComparison.Ordinal);
        AssertClean(page, report.Path);
    }

    [ChromiumFact]
    public async Task Before_any_write_back_the_page_renders_and_says_scores_are_not_available_yet()
    {
        var report = fixture.WithoutScores;
        Assert.False(report.Data.ScoresAvailable);
        using var page = await OpenAsync(report.Path);

        var text = (await page.EvaluateAsync("document.body.innerText")).GetString()!;
        Assert.Contains("Scores are not available yet", text, StringComparison.Ordinal);
        var figures = await FiguresAsync(page);
        Assert.Equal("unavailable", figures["score.status"]);
        Assert.Equal(1735.0, Number(figures, "funnel.count.1"));
        Assert.False(figures.ContainsKey("accounts.1.fit_score"));

        await SelectAsync(page, "channel-filter", "Meta");
        Assert.Equal(MetricValues("Meta", August, 6)[0], Number(await FiguresAsync(page), "funnel.count.1"));
        AssertClean(page, report.Path);
    }

    [ChromiumFact]
    public async Task The_trust_panel_says_in_plain_words_how_far_to_trust_the_scores_and_marks_the_scores_that_are_not_good()
    {
        // The seed exports are refused by the promotion gate: both kinds of score are baselines, and say so.
        var report = fixture.WithScores;
        using var page = await OpenAsync(report.Path);
        var figures = await FiguresAsync(page);
        Assert.Equal("Can these scores be trusted?", (await page.EvaluateAsync("document.getElementById('models-title').textContent")).GetString());
        Assert.Equal(fixture.Db.Scalar<string>("select opportunity_trust from gtm_meta.score_runs where status = 'succeeded'"), figures["trust.opportunity-scoring"]);
        Assert.Equal(("baseline_only", "baseline_only"), (figures["trust.opportunity-scoring"], figures["trust.icp"]));
        Assert.Contains("Baseline, not a model", (await page.EvaluateAsync("document.getElementById('models-body').innerText")).GetString(), StringComparison.Ordinal);
        Assert.Equal(await CountAsync(page, "#opportunities-body tbody tr"), await CountAsync(page, "#opportunities-body [data-trust-tag='opportunity-scoring']"));
        AssertClean(page, report.Path);

        // The same page when the scores come from a weak model: the verdict says so and every win probability is marked.
        var runs = report.Data.Datasets["score_run"];
        var row = runs.Rows[0].ToArray();
        row[runs.Columns.ToList().IndexOf("opportunity_model_kind")] = "model";
        row[runs.Columns.ToList().IndexOf("opportunity_trust")] = "weak";
        row[runs.Columns.ToList().IndexOf("opportunity_trust_reason")] = "Better than chance but weak: it learned from only 80 won and 72 lost closed deals.";
        var weakPath = fixture.Db.Folder.File("report-weak.html");
        await File.WriteAllTextAsync(weakPath, Reporting.ReportHtml.Render(report.Data with
        {
            Datasets = new Dictionary<string, Reporting.ReportDataset>(report.Data.Datasets) { ["score_run"] = runs with { Rows = [row] } },
        }));
        using var weak = await OpenAsync(weakPath);
        Assert.Equal("weak", (await FiguresAsync(weak))["trust.opportunity-scoring"]);
        Assert.Equal("⚠ Weak: use with care", await TextAsync(weak, "trust.opportunity-scoring"));
        var rows = await CountAsync(weak, "#opportunities-body tbody tr");
        Assert.True(rows > 0);
        Assert.Equal(rows, await CountAsync(weak, "#opportunities-body .trust-weak"));
        Assert.Contains("learned from only 80 won", (await weak.EvaluateAsync("document.getElementById('opportunities-body').innerText")).GetString(), StringComparison.Ordinal);
        AssertClean(weak, weakPath);
    }

    private static async Task<int> CountAsync(CdpPage page, string selector) =>
        (await page.EvaluateAsync($"document.querySelectorAll({JsonSerializer.Serialize(selector)}).length")).GetInt32();

    private async Task<CdpPage> OpenAsync(string path, int width = 1366, int height = 900)
    {
        var browser = await fixture.Browser;
        var page = await browser.NewPageAsync();
        await page.SetViewportAsync(width, height);
        await page.NavigateAsync(new Uri(path).AbsoluteUri);
        var renders = await page.EvaluateAsync("document.body.dataset.renders || null");
        Assert.True(renders.ValueKind == JsonValueKind.String, "the page's script did not render; errors: " + string.Join("; ", page.Errors));
        return page;
    }

    /// <summary>No console error, uncaught exception or error log entry, and no request but the file itself.</summary>
    private static void AssertClean(CdpPage page, string path)
    {
        Assert.True(page.Errors.Count == 0, "browser errors:\n" + string.Join("\n", page.Errors));
        var file = new Uri(path).AbsoluteUri;
        Assert.Contains(file, page.Requests);
        Assert.All(page.Requests, url => Assert.True(url == file || url.StartsWith(file + "#", StringComparison.Ordinal), $"the page requested {url}"));
    }

    private static async Task SelectAsync(CdpPage page, string id, string value)
    {
        var before = (await page.EvaluateAsync("document.body.dataset.renders")).GetString();
        var selected = await page.EvaluateAsync(
            $$"""
            (() => {
              const s = document.getElementById({{JsonSerializer.Serialize(id)}});
              s.value = {{JsonSerializer.Serialize(value)}};
              s.dispatchEvent(new Event('change', { bubbles: true }));
              return s.value;
            })()
            """);
        Assert.Equal(value, selected.GetString());
        Assert.NotEqual(before, (await page.EvaluateAsync("document.body.dataset.renders")).GetString());
    }

    private static async Task<string> SelectedAsync(CdpPage page, string id) =>
        (await page.EvaluateAsync($"document.getElementById({JsonSerializer.Serialize(id)}).value")).GetString()!;

    private static async Task<string> TextAsync(CdpPage page, string figure) =>
        (await page.EvaluateAsync($"document.querySelector('[data-figure={JsonSerializer.Serialize(figure)}]').textContent")).GetString()!;

    /// <summary>Every figure on the page: data-figure → data-value (the unformatted query value).</summary>
    private static async Task<Dictionary<string, string>> FiguresAsync(CdpPage page)
    {
        var pairs = await page.EvaluateAsync("[...document.querySelectorAll('[data-figure]')].map(e => [e.dataset.figure, e.dataset.value])");
        var figures = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs.EnumerateArray())
        {
            figures[pair[0].GetString()!] = pair[1].GetString()!;
        }

        return figures;
    }

    private static double Number(Dictionary<string, string> figures, string key)
    {
        Assert.True(figures.TryGetValue(key, out var text), $"no figure {key} on the page");
        return NullableNumber(figures, key) ?? throw new Xunit.Sdk.XunitException($"figure {key} is empty");
    }

    private static double? NullableNumber(Dictionary<string, string> figures, string key) =>
        figures[key] is { Length: > 0 } text ? double.Parse(text, CultureInfo.InvariantCulture) : null;

    /// <summary>metric_value of the given metrics for a channel and month, straight from the mart.</summary>
    private double[] MetricValues(string channel, string month, params int[] indexes) =>
        indexes.Select(i => fixture.Db.Scalar<double>(
            $"select metric_value from {Metrics} where channel = $c and month = cast($m as date) and metric_index = $i",
            ("c", channel), ("m", month), ("i", i))).ToArray();

    private double IcpShare(string channel, string month) => fixture.Db.Scalar<double>(
        """
        select avg(case when s.tier in ('A', 'B') then 1.0 else 0.0 end)
        from core.fct_opportunities o left join mart.mrt_account_scores s using (account_id)
        where o.created_month = cast($m as date) and ($c = 'Total' or o.channel = $c)
        """,
        ("c", channel), ("m", month));

    private double OpenPipeline(string account, string channel, string month) => fixture.Db.Scalar<double>(
        """
        select sum(pipeline_amount_usd) from core.fct_opportunities
        where account_id = $a and channel = $c and not is_closed and created_month <= cast($m as date)
        """,
        ("a", account), ("c", channel), ("m", month));
}
