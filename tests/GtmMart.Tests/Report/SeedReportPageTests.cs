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
