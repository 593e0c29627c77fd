using GtmMart.Tests.Support.Browser;
using Xunit.Abstractions;

namespace GtmMart.Tests.Report;

/// <summary>
/// The dashboard in Chromium on the example exports (<see cref="SeedReportFixture"/>): every check of
/// <see cref="ReportPageTests"/> plus the figures the seed README publishes. Screenshots: <c>artifacts/report.png</c>
/// and <c>artifacts/report-laptop.png</c>.
/// </summary>
[Collection(SeedReportGroup.Name)]
public sealed class SeedReportPageTests(SeedReportFixture world, ITestOutputHelper output) : ReportPageTests(world, output)
{
    private const string August = "2025-08-01";

    [ChromiumFact(NeedsSeedData = true)]
    public async Task Opens_offline_without_console_errors_fits_a_laptop_and_is_saved_as_a_screenshot()
    {
        var figures = await CheckOpensOfflineAsync();

        Assert.Equal("2025-07-01", figures["build.first_date"]);
        Assert.Equal("2025-09-28", figures["build.last_date"]);
    }

    [ChromiumFact(NeedsSeedData = true)]
    public async Task Each_month_s_funnel_equals_the_mart_and_the_seed_readme()
    {
        var funnel = await CheckMonthlyFunnelAsync();

        // September stops on the 28th, so August is the default.
        Assert.Equal(August, funnel.DefaultMonth);
        Assert.Equal(["2025-07-01", "2025-08-01", "2025-09-01"], funnel.Counts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([4930.0, 737.0, 350.0, 80.0], Enumerable.Range(0, 4).Select(step => funnel.Counts.Values.Sum(c => c[step])));
        Assert.Equal([1689.0, 1735.0, 1506.0], funnel.Counts.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => m.Value[0]));
        Assert.Equal([38.0, 125.0, 187.0], funnel.Counts.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => m.Value[2]));
        Assert.Equal("1,735", funnel.DefaultSessionsText);
    }

    private static readonly string[] PeriodCounts = ["sessions", "form_submissions", "opportunities", "closed_won"];

    [ChromiumFact(NeedsSeedData = true)]
    public async Task The_whole_period_totals_and_the_attribution_section_equal_the_mart()
    {
        await using var page = await OpenAsync(World.WithScores.Path);
        var figures = await FiguresAsync(page);

        // Beside the single month, the totals over all the data: the seed README's figures.
        Assert.Equal([4930.0, 737.0, 350.0, 80.0], PeriodCounts.Select(k => Number(figures, $"period.Total.{k}")));

        // The seed exports have no crm_contacts, so no opportunity has a touch: every model credits its CRM source.
        var models = World.Db.Rows("select model from seeds.attribution_models order by sort_order").Select(r => (string)r[0]!).ToList();
        var august = World.Db.Rows(
            "select channel, cast(attributed_won as double) / month_closed_won from mart.mrt_channel_attribution where month = cast($m as date) and model = 'crm_source' and attributed_won > 0",
            ("m", August));
        Assert.NotEmpty(august);
        foreach (var row in august)
        {
            Assert.All(models, m => Assert.Equal((double)row[1]!, Number(figures, $"attribution.{August}.{row[0]}.{m}.won_share"), 12));
        }

        page.AssertClean();
    }

    [ChromiumFact(NeedsSeedData = true)]
    public async Task A_closed_won_drop_while_deals_are_still_open_is_marked_incomplete_and_priority_is_explained()
    {
        const string September = "2025-09-01";
        await using var page = await OpenAsync(World.WithScores.Path);
        await SelectAsync(page, "month-filter", September);
        var figures = await FiguresAsync(page);

        // Each marker beside a month-over-month closed-won drop carries how many of the month's deals are still open.
        var open = World.Db.Rows(
                "select channel, count(*) from core.fct_opportunities where not is_closed and created_month = cast($m as date) group by channel",
                ("m", September))
            .ToDictionary(r => (string)r[0]!, r => Convert.ToDouble(r[1], System.Globalization.CultureInfo.InvariantCulture));
        var marked = figures.Keys.Where(k => k.StartsWith("mom.", StringComparison.Ordinal) && k.EndsWith(".incomplete.4", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(marked);
        foreach (var key in marked)
        {
            var channel = key["mom.".Length..^".incomplete.4".Length];
            Assert.Equal(channel == "Total" ? open.Values.Sum() : open[channel], Number(figures, key));
        }

        // The priority figure says what it is where it is shown.
        var priority = await InnerTextAsync(page, "priority-explained");
        Assert.Contains("fit / 100 × open pipeline × best win probability", priority, StringComparison.Ordinal);
        page.AssertClean();
    }

    [ChromiumFact(NeedsSeedData = true)]
    public async Task On_a_390_pixel_phone_no_card_scrolls_sideways_and_chart_text_is_at_least_11_pixels()
    {
        await using var page = await OpenAsync(World.WithScores.Path, Viewport.Phone);

        var problems = await page.EvaluateAsync(PhoneProblems);

        Assert.True(problems.GetArrayLength() == 0, "at 390 px:\n" + string.Join("\n", problems.EnumerateArray().Select(p => p.GetString())));
        var measured = await page.EvaluateAsync("[document.querySelectorAll('.card').length, document.querySelectorAll('svg text').length]");
        Assert.True(measured[0].GetInt32() >= 10 && measured[1].GetInt32() > 20, $"measured {measured[0]} cards and {measured[1]} chart labels");
        page.AssertClean();
    }

    /// <summary>
    /// What a phone reader would have to scroll sideways or squint at: the page wider than the screen, a card (or any
    /// box in it) that scrolls sideways or sticks out of the card, and chart text drawn smaller than 11 CSS pixels.
    /// </summary>
    private const string PhoneProblems =
        """
        (() => {
          const problems = [];
          const root = document.documentElement;
          if (root.scrollWidth > root.clientWidth) problems.push(`page: ${root.scrollWidth} px wide in a ${root.clientWidth} px screen`);
          for (const card of document.querySelectorAll('.card')) {
            const box = card.getBoundingClientRect();
            for (const el of [card, ...card.querySelectorAll('*')]) {
              const style = getComputedStyle(el);
              if (style.display === 'none' || el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
              const r = el.getBoundingClientRect();
              const name = `${card.id} ${el.tagName.toLowerCase()}`;
              if (el.scrollWidth > el.clientWidth + 1 && ['auto', 'scroll'].includes(style.overflowX)) problems.push(`${name} scrolls sideways (${el.scrollWidth} > ${el.clientWidth} px)`);
              else if (r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1)) problems.push(`${name} sticks out of its card`);
            }
          }
          for (const text of document.querySelectorAll('svg text')) {
            const size = parseFloat(getComputedStyle(text).fontSize) * (text.getScreenCTM() ? text.getScreenCTM().a : 1);
            if (size < 11 - 0.01) problems.push(`chart text "${text.textContent.trim().slice(0, 30)}" is ${size.toFixed(1)} px`);
          }
          return [...new Set(problems)].slice(0, 60);
        })()
        """;

    [ChromiumFact(NeedsSeedData = true)]
    public async Task Choosing_a_channel_changes_every_section_to_that_channel_s_mart_figures()
    {
        Assert.Equal(August, LatestCompleteMonth);
        Assert.Equal("2025-07-01", Months[0]);
        await CheckChannelFilterAsync();
    }

    [ChromiumFact(NeedsSeedData = true)]
    public async Task The_weakest_paid_channel_values_are_flagged_in_words_as_well_as_colour()
    {
        await CheckWeakestPaidChannelAsync();
    }

    [ChromiumFact(NeedsSeedData = true)]
    public async Task Before_any_write_back_the_page_renders_and_says_scores_are_not_available_yet()
    {
        var figures = await CheckBeforeWriteBackAsync();

        Assert.Equal(1735.0, Number(figures, "funnel.count.1"));
    }

    [ChromiumFact(NeedsSeedData = true)]
    public async Task The_trust_panel_says_in_plain_words_how_far_to_trust_the_scores_and_marks_the_scores_that_are_not_good()
    {
        // The seed exports are refused by the promotion gate: both kinds of score are baselines, and say so.
        var figures = await CheckTrustPanelAsync();

        Assert.Equal(("baseline_only", "baseline_only"), (figures["trust.opportunity-scoring"], figures["trust.icp"]));
        await using var page = await World.Browser.OpenAsync(World.WithScores.Path);
        Assert.Contains("Baseline, not a model", await InnerTextAsync(page, "models-body"), StringComparison.Ordinal);
        page.AssertClean();
    }
}
