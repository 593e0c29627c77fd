using System.Globalization;
using System.Text.Json;
using GtmMart.Tests.Support.Browser;
using Xunit.Abstractions;

namespace GtmMart.Tests.Report;

/// <summary>
/// The GTM dashboard in a real browser (headless Chromium driven by PuppeteerSharp) on one <see cref="ReportWorld"/>:
/// it opens from file:// with no console error and no request besides the file itself, its figures equal the mart
/// queried directly, the month and channel filters change them, and screenshots are saved to <c>artifacts/</c>.
/// Each scenario returns what a world-specific test may check further (the seed's published figures).
/// </summary>
public abstract class ReportPageTests(ReportWorld world, ITestOutputHelper output)
{
    private const string Metrics = "mart.mrt_monthly_channel_metrics";
    private const string Channel = "Google Ads";

    protected ReportWorld World => world;

    /// <summary>Every month in the data, oldest first (yyyy-MM-dd of its first day), from <c>core.dim_dates</c>.</summary>
    protected string[] Months => [.. world.Db.Rows("select distinct month_start from core.dim_dates order by 1").Select(r => Day(r[0]))];

    /// <summary>The latest month the data covers every day of, from <c>core.dim_dates</c>.</summary>
    protected string LatestCompleteMonth => Day(world.Db.Scalar<DateOnly>(
        "select max(month_start) from (select month_start, count(*) as days from core.dim_dates group by month_start) where days = day(last_day(month_start))"));

    private string[] PaidChannels => [.. world.Db.Rows("select channel from core.dim_channels where is_paid_media order by sort_order").Select(r => (string)r[0]!)];

    /// <summary>Opens the scored page at a laptop's size and checks it is self-contained, fits and says when it was built and scored.</summary>
    protected async Task<Dictionary<string, string>> CheckOpensOfflineAsync()
    {
        var report = world.WithScores;
        await using var page = await OpenAsync(report.Path, Viewport.Laptop);

        var html = await File.ReadAllTextAsync(report.Path);
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("default-src 'none'", html, StringComparison.Ordinal);

        // Nothing overflows sideways on a 1366-pixel laptop screen.
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= Viewport.Laptop.Width, $"the page is {width} px wide at a {Viewport.Laptop.Width} px viewport");

        // The page states when the data was built and when it was scored.
        var figures = await FiguresAsync(page);
        Assert.Equal(world.Db.Scalar<long>("select max(build_id) from gtm_meta.builds where status = 'published'"), long.Parse(figures["build.id"], CultureInfo.InvariantCulture));
        Assert.Equal(world.Db.Scalar<string>("select run_id from gtm_meta.score_runs where status = 'succeeded'"), figures["score.run_id"]);
        Assert.Equal(Day(world.Db.Scalar<DateOnly>("select min(date_day) from core.dim_dates")), figures["build.first_date"]);
        Assert.Equal(Day(world.Db.Scalar<DateOnly>("select max(date_day) from core.dim_dates")), figures["build.last_date"]);

        var laptop = await page.ScreenshotAsync(world.ScreenshotName + "-laptop.png", fullPage: false);
        var full = await page.ScreenshotAsync(world.ScreenshotName + ".png", fullPage: true);
        output.WriteLine($"screenshots: {full} (whole page), {laptop} ({Viewport.Laptop.Width}x{Viewport.Laptop.Height} viewport)");
        Assert.True(new FileInfo(full).Length > 20_000);

        page.AssertClean();
        return figures;
    }

    /// <summary>Month by month, the funnel and month-over-month figures equal the mart; returns each month's Total funnel counts.</summary>
    protected async Task<MonthlyFunnel> CheckMonthlyFunnelAsync()
    {
        var report = world.WithScores;
        await using var page = await OpenAsync(report.Path);

        // Default: the latest complete month, all channels.
        var defaultMonth = LatestCompleteMonth;
        Assert.Equal(defaultMonth, await SelectedAsync(page, "month-filter"));
        Assert.Equal("Total", await SelectedAsync(page, "channel-filter"));

        var counts = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var month in Months)
        {
            await SelectAsync(page, "month-filter", month);
            var figures = await FiguresAsync(page);
            var expected = MetricValues("Total", month, 6, 7, 10, 11);
            for (var step = 1; step <= 4; step++)
            {
                Assert.Equal(expected[step - 1], Number(figures, $"funnel.count.{step}"));
            }

            // Step conversions: visits → form is the mart's site conversion rate, opportunity → won its close won rate.
            Assert.Equal(MetricValues("Total", month, 8)[0], Number(figures, "funnel.conversion.2"), 12);
            Assert.Equal(MetricValues("Total", month, 12)[0], Number(figures, "funnel.conversion.4"), 12);
            Assert.Equal(expected[2] / expected[1], Number(figures, "funnel.conversion.3"), 12);

            // The month-over-month table holds the same counts, with the mart's change.
            Assert.Equal(expected[0], Number(figures, "mom.Total.count.1"));
            var change = world.Db.Scalar<double?>($"select mom_change_pct from {Metrics} where channel = 'Total' and month = cast($m as date) and metric_index = 10", ("m", month));
            Assert.Equal(change, NullableNumber(figures, "mom.Total.change.3"));
            counts[month] = [.. Enumerable.Range(1, 4).Select(step => Number(figures, $"funnel.count.{step}"))];
        }

        // Formatting: thousands separators and percentages.
        await SelectAsync(page, "month-filter", defaultMonth);
        var sessionsText = await TextAsync(page, "funnel.count.1");
        Assert.Equal(counts[defaultMonth][0].ToString("N0", CultureInfo.InvariantCulture), sessionsText);
        Assert.Matches(@"^\d+\.\d%$", await TextAsync(page, "funnel.conversion.2"));
        page.AssertClean();
        return new MonthlyFunnel(defaultMonth, counts, sessionsText);
    }

    /// <summary>Choosing one channel shows that channel's mart figures in every section, and another month changes them again.</summary>
    protected async Task CheckChannelFilterAsync()
    {
        var report = world.WithScores;
        var month = LatestCompleteMonth;
        var otherMonth = Months[0];
        Assert.NotEqual(month, otherMonth);
        await using var page = await OpenAsync(report.Path);
        var all = await FiguresAsync(page);

        await SelectAsync(page, "channel-filter", Channel);
        var chosen = await FiguresAsync(page);

        // Funnel and month over month: the channel's own counts.
        var expected = MetricValues(Channel, month, 6, 7, 10, 11);
        for (var step = 1; step <= 4; step++)
        {
            Assert.NotEqual(Number(all, $"funnel.count.{step}"), Number(chosen, $"funnel.count.{step}"));
            Assert.Equal(expected[step - 1], Number(chosen, $"funnel.count.{step}"));
        }

        Assert.Equal(expected[0], Number(chosen, $"mom.{Channel}.count.1"));
        Assert.False(chosen.ContainsKey("mom.LinkedIn.count.1"));

        // Efficiency: cost per click, cost per session and ROAS are the mart's ratios; CAC is spend / closed won.
        var ratios = MetricValues(Channel, month, 4, 9, 14, 3, 11);
        Assert.Equal(ratios[0], Number(chosen, $"efficiency.{Channel}.cost_per_click"), 12);
        Assert.Equal(ratios[1], Number(chosen, $"efficiency.{Channel}.cost_per_session"), 12);
        Assert.Equal(ratios[2], Number(chosen, $"efficiency.{Channel}.roas"), 12);
        Assert.Equal(ratios[3] / ratios[4], Number(chosen, $"efficiency.{Channel}.cac"), 9);
        Assert.StartsWith("$", await TextAsync(page, $"efficiency.{Channel}.cost_per_click"), StringComparison.Ordinal);
        Assert.EndsWith("×", await TextAsync(page, $"efficiency.{Channel}.roas"), StringComparison.Ordinal);
        Assert.Equal(MetricValues(Channel, month, 6)[0] / MetricValues(Channel, month, 2)[0], Number(chosen, $"efficiency.{Channel}.click_to_session_rate"), 12);

        // Session share: the channel's sessions over all sessions of the month.
        Assert.Equal(MetricValues(Channel, month, 6)[0] / MetricValues("Total", month, 6)[0], Number(chosen, "share.selected"), 12);

        // Paid media section: the channel against organic + direct.
        Assert.Equal(MetricValues(Channel, month, 13)[0], Number(chosen, $"paid.{Channel}.closed_won_revenue_usd"));
        Assert.Equal(MetricValues("Organic", month, 6)[0] + MetricValues("Direct", month, 6)[0], Number(chosen, "paid.Organic + Direct.sessions"));
        Assert.False(chosen.ContainsKey("paid.Paid media.sessions"));
        Assert.Equal(PaidChannels.Sum(c => MetricValues(c, month, 6)[0]), Number(all, "paid.Paid media.sessions"));

        // ICP mix: share of the channel's opportunities from tier A/B accounts, from the score table.
        Assert.Equal(IcpShare(Channel, month), Number(chosen, $"icp.{Channel}.share_ab"), 12);
        Assert.Equal(IcpShare("Total", month), Number(all, "icp.Total.share_ab"), 12);

        // Priority accounts and open opportunities now come from the channel's open opportunities only.
        var topAccount = await page.EvaluateAsync<string>("document.querySelector('#accounts-body tr[data-account-id]').dataset.accountId");
        Assert.Equal(OpenPipeline(topAccount, Channel, month), Number(chosen, "accounts.1.open_pipeline_usd"), 6);
        Assert.Equal(world.Db.Scalar<double>("select fit_score from mart.mrt_account_scores where account_id = $a", ("a", topAccount)), Number(chosen, "accounts.1.fit_score"), 9);
        var topOpportunity = await page.EvaluateAsync<string>("document.querySelector('#opportunities-body tr[data-opportunity-id]').dataset.opportunityId");
        Assert.Equal(Channel, world.Db.Scalar<string>("select channel from core.fct_opportunities where opportunity_id = $o", ("o", topOpportunity)));
        Assert.Equal(
            world.Db.Scalar<double>(
                """
                select max(s.probability * o.pipeline_amount_usd) from mart.mrt_opportunity_scores s join core.fct_opportunities o using (opportunity_id)
                where not o.is_closed and o.channel = $c and o.created_date <= last_day(cast($m as date))
                """,
                ("c", Channel), ("m", month)),
            Number(chosen, "opportunities.1.expected_value_usd"),
            6);
        Assert.Equal(
            world.Db.Scalar<double>("select probability from mart.mrt_opportunity_scores where opportunity_id = $o", ("o", topOpportunity)),
            Number(chosen, "opportunities.1.probability"),
            12);

        // One measure of a deal's chances on the page: the win probability, no 1-99 score beside it.
        Assert.DoesNotContain(chosen.Keys, k => k.StartsWith("opportunities.", StringComparison.Ordinal) && k.EndsWith(".score", StringComparison.Ordinal));

        // A different month changes the figures again.
        await SelectAsync(page, "month-filter", otherMonth);
        var other = await FiguresAsync(page);
        Assert.Equal(MetricValues(Channel, otherMonth, 6)[0], Number(other, "funnel.count.1"));
        Assert.NotEqual(Number(chosen, "funnel.count.3"), Number(other, "funnel.count.3"));
        Assert.NotEqual(Number(chosen, $"efficiency.{Channel}.cost_per_click"), Number(other, $"efficiency.{Channel}.cost_per_click"));
        Assert.Equal($"#month={otherMonth}&channel={Uri.EscapeDataString(Channel)}", await page.EvaluateAsync<string>("location.hash"));
        page.AssertClean();
    }

    /// <summary>The weakest paid channel of each efficiency metric is flagged in the cell and in words, as the mart says.</summary>
    protected async Task CheckWeakestPaidChannelAsync()
    {
        var report = world.WithScores;
        var month = LatestCompleteMonth;
        await using var page = await OpenAsync(report.Path);

        var flagged = await page.EvaluateAsync(
            "[...document.querySelectorAll('#efficiency-body td[data-weakest]')].map(td => [td.closest('tr').dataset.channel, td.dataset.weakest, td.textContent])");
        var cells = flagged.EnumerateArray().Select(c => (Channel: c[0].GetString()!, Metric: c[1].GetString()!, Text: c[2].GetString()!)).ToList();

        // Independently from the mart: the worst value of each metric among the paid channels in the month.
        var paid = PaidChannels;
        var spend = paid.ToDictionary(c => c, c => MetricValues(c, month, 3)[0]);
        var won = paid.ToDictionary(c => c, c => MetricValues(c, month, 11)[0]);
        var expected = new List<(string, string)>
        {
            (paid.MaxBy(c => MetricValues(c, month, 4)[0])!, "cost_per_click"),
            (paid.MaxBy(c => MetricValues(c, month, 9)[0])!, "cost_per_session"),
            (paid.MinBy(c => MetricValues(c, month, 14)[0])!, "roas"),
            (paid.MinBy(c => MetricValues(c, month, 6)[0] / MetricValues(c, month, 2)[0])!, "click_to_session_rate"),
            (paid.MaxBy(c => won[c] == 0 ? double.PositiveInfinity : spend[c] / won[c])!, "cac"),
        };

        Assert.Equal(expected.Order(), cells.Select(c => (c.Channel, c.Metric)).Order());
        Assert.All(cells, c => Assert.Contains("weakest", c.Text, StringComparison.Ordinal));
        var listed = await page.EvaluateAsync<string>("document.querySelector('#efficiency-body .weak-list').textContent");
        Assert.Contains("Highest cost per click", listed, StringComparison.Ordinal);
        Assert.Contains("Lowest ROAS", listed, StringComparison.Ordinal);
        page.AssertClean();
    }

    /// <summary>Before the first write-back the page still renders from the mart and says scores are not available; returns its default figures.</summary>
    protected async Task<Dictionary<string, string>> CheckBeforeWriteBackAsync()
    {
        var report = world.WithoutScores;
        Assert.False(report.Data.ScoresAvailable);
        var month = LatestCompleteMonth;
        await using var page = await OpenAsync(report.Path);

        var text = await page.EvaluateAsync<string>("document.body.innerText");
        Assert.Contains("Scores are not available yet", text, StringComparison.Ordinal);
        var figures = await FiguresAsync(page);
        Assert.Equal("unavailable", figures["score.status"]);
        Assert.Equal(MetricValues("Total", month, 6)[0], Number(figures, "funnel.count.1"));
        Assert.False(figures.ContainsKey("accounts.1.fit_score"));

        await SelectAsync(page, "channel-filter", "Meta");
        Assert.Equal(MetricValues("Meta", month, 6)[0], Number(await FiguresAsync(page), "funnel.count.1"));
        page.AssertClean();
        return figures;
    }

    /// <summary>
    /// The trust panel states the ledger's verdict on each kind of score, and every win probability from a model not
    /// trusted as good is marked: on this world's page, and on the same page with the ledger saying "weak model".
    /// Returns the scored page's figures.
    /// </summary>
    protected async Task<Dictionary<string, string>> CheckTrustPanelAsync()
    {
        var report = world.WithScores;
        await using var page = await OpenAsync(report.Path);
        var figures = await FiguresAsync(page);
        Assert.Equal("Can these scores be trusted?", await page.EvaluateAsync<string>("document.getElementById('models-title').textContent"));
        var ledger = world.Db.Rows("select opportunity_trust, icp_trust from gtm_meta.score_runs where status = 'succeeded'").Single();
        Assert.Equal(((string?)ledger[0], (string?)ledger[1]), (figures["trust.opportunity-scoring"], figures["trust.icp"]));
        var rows = await CountAsync(page, "#opportunities-body tbody tr");
        Assert.True(rows > 0);
        Assert.Equal(figures["trust.opportunity-scoring"] == "good" ? 0 : rows, await CountAsync(page, "#opportunities-body [data-trust-tag='opportunity-scoring']"));
        page.AssertClean();

        // The same page when the scores come from a weak model: the verdict says so and every win probability is marked.
        var runs = report.Data.Datasets["score_run"];
        var row = runs.Rows[0].ToArray();
        row[runs.Columns.ToList().IndexOf("opportunity_model_kind")] = "model";
        row[runs.Columns.ToList().IndexOf("opportunity_trust")] = "weak";
        row[runs.Columns.ToList().IndexOf("opportunity_trust_reason")] = "Better than chance but weak: it learned from only 80 won and 72 lost closed deals.";
        var weakPath = world.Db.Folder.File("report-weak.html");
        await File.WriteAllTextAsync(weakPath, Reporting.ReportHtml.Render(report.Data with
        {
            Datasets = new Dictionary<string, Reporting.ReportDataset>(report.Data.Datasets) { ["score_run"] = runs with { Rows = [row] } },
        }));
        await using var weak = await OpenAsync(weakPath);
        Assert.Equal("weak", (await FiguresAsync(weak))["trust.opportunity-scoring"]);
        Assert.Equal("⚠ Weak: use with care", await TextAsync(weak, "trust.opportunity-scoring"));
        var weakRows = await CountAsync(weak, "#opportunities-body tbody tr");
        Assert.True(weakRows > 0);
        Assert.Equal(weakRows, await CountAsync(weak, "#opportunities-body .trust-weak"));
        Assert.Contains("learned from only 80 won", await InnerTextAsync(weak, "opportunities-body"), StringComparison.Ordinal);
        weak.AssertClean();
        return figures;
    }

    /// <summary>The rendered text of the element with id <paramref name="id"/>.</summary>
    protected static Task<string> InnerTextAsync(BrowserPage page, string id)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.EvaluateAsync<string>($"document.getElementById({JsonSerializer.Serialize(id)}).innerText");
    }

    private static Task<int> CountAsync(BrowserPage page, string selector) =>
        page.EvaluateAsync<int>($"document.querySelectorAll({JsonSerializer.Serialize(selector)}).length");

    /// <summary>The Total funnel counts (visits, forms, opportunities, won) per month as the page showed them.</summary>
    protected sealed record MonthlyFunnel(string DefaultMonth, IReadOnlyDictionary<string, double[]> Counts, string DefaultSessionsText);

    protected async Task<BrowserPage> OpenAsync(string path, Viewport? viewport = null)
    {
        var page = await world.Browser.OpenAsync(path, viewport ?? Viewport.Desktop);
        var renders = await page.EvaluateAsync("document.body.dataset.renders || null");
        Assert.True(renders.ValueKind == JsonValueKind.String, "the page's script did not render; errors: " + string.Join("; ", page.Errors));
        return page;
    }

    protected static async Task SelectAsync(BrowserPage page, string id, string value)
    {
        var before = await page.EvaluateAsync<string>("document.body.dataset.renders");
        var selected = await page.EvaluateAsync<string>(
            $$"""
            (() => {
              const s = document.getElementById({{JsonSerializer.Serialize(id)}});
              s.value = {{JsonSerializer.Serialize(value)}};
              s.dispatchEvent(new Event('change', { bubbles: true }));
              return s.value;
            })()
            """);
        Assert.Equal(value, selected);
        Assert.NotEqual(before, await page.EvaluateAsync<string>("document.body.dataset.renders"));
    }

    private static Task<string> SelectedAsync(BrowserPage page, string id) =>
        page.EvaluateAsync<string>($"document.getElementById({JsonSerializer.Serialize(id)}).value");

    private static Task<string> TextAsync(BrowserPage page, string figure) =>
        page.EvaluateAsync<string>($"document.querySelector('[data-figure={JsonSerializer.Serialize(figure)}]').textContent");

    /// <summary>Every figure on the page: data-figure → data-value (the unformatted query value).</summary>
    protected static async Task<Dictionary<string, string>> FiguresAsync(BrowserPage page)
    {
        var pairs = await page.EvaluateAsync("[...document.querySelectorAll('[data-figure]')].map(e => [e.dataset.figure, e.dataset.value])");
        var figures = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs.EnumerateArray())
        {
            figures[pair[0].GetString()!] = pair[1].GetString()!;
        }

        return figures;
    }

    protected static double Number(Dictionary<string, string> figures, string key)
    {
        ArgumentNullException.ThrowIfNull(figures);
        Assert.True(figures.ContainsKey(key), $"no figure {key} on the page");
        return NullableNumber(figures, key) ?? throw new Xunit.Sdk.XunitException($"figure {key} is empty");
    }

    private static double? NullableNumber(Dictionary<string, string> figures, string key) =>
        figures[key] is { Length: > 0 } text ? double.Parse(text, CultureInfo.InvariantCulture) : null;

    private static string Day(object? date) => date switch
    {
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException($"not a date: {date}"),
    };

    /// <summary>metric_value of the given metrics for a channel and month, straight from the mart.</summary>
    private double[] MetricValues(string channel, string month, params int[] indexes) =>
        [.. indexes.Select(i => world.Db.Scalar<double>(
            $"select metric_value from {Metrics} where channel = $c and month = cast($m as date) and metric_index = $i",
            ("c", channel), ("m", month), ("i", i)))];

    private double IcpShare(string channel, string month) => world.Db.Scalar<double>(
        """
        select avg(case when s.tier in ('A', 'B') then 1.0 else 0.0 end)
        from core.fct_opportunities o left join mart.mrt_account_scores s using (account_id)
        where o.created_month = cast($m as date) and ($c = 'Total' or o.channel = $c)
        """,
        ("c", channel), ("m", month));

    private double OpenPipeline(string account, string channel, string month) => world.Db.Scalar<double>(
        """
        select sum(pipeline_amount_usd) from core.fct_opportunities
        where account_id = $a and channel = $c and not is_closed and created_month <= cast($m as date)
        """,
        ("a", account), ("c", channel), ("m", month));
}
