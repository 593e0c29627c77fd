using GtmMart.Tests.Support.Browser;
using Xunit.Abstractions;

namespace GtmMart.Tests.Report;

/// <summary>
/// The dashboard in Chromium on the demo world <c>gtm run</c> generates (<see cref="DemoReportFixture"/>): runs wherever
/// a Chromium is installed, with or without the example exports. Screenshots: <c>artifacts/report-demo.png</c> and
/// <c>artifacts/report-demo-laptop.png</c>.
/// </summary>
[Collection(DemoReportGroup.Name)]
public sealed class DemoReportPageTests(DemoReportFixture world, ITestOutputHelper output) : ReportPageTests(world, output)
{
    [ChromiumFact]
    public async Task Opens_offline_without_console_errors_fits_a_laptop_and_is_saved_as_a_screenshot()
    {
        await CheckOpensOfflineAsync();
    }

    [ChromiumFact]
    public async Task Each_month_s_funnel_equals_the_mart()
    {
        var funnel = await CheckMonthlyFunnelAsync();

        // The generator's window (gtm run's defaults) spans several months, each with visits and won deals.
        Assert.True(funnel.Counts.Count >= 6, $"{funnel.Counts.Count} months");
        Assert.All(funnel.Counts.Values, c => Assert.True(c[0] > 0 && c[3] > 0, $"visits {c[0]}, won {c[3]}"));
    }

    [ChromiumFact]
    public async Task Choosing_a_channel_changes_every_section_to_that_channel_s_mart_figures()
    {
        await CheckChannelFilterAsync();
    }

    [ChromiumFact]
    public async Task The_weakest_paid_channel_values_are_flagged_in_words_as_well_as_colour()
    {
        await CheckWeakestPaidChannelAsync();
    }

    [ChromiumFact]
    public async Task Before_any_write_back_the_page_renders_and_says_scores_are_not_available_yet()
    {
        await CheckBeforeWriteBackAsync();
    }

    [ChromiumFact]
    public async Task The_trust_panel_says_in_plain_words_how_far_to_trust_the_scores_and_marks_the_scores_that_are_not_good()
    {
        var figures = await CheckTrustPanelAsync();

        // gtm run's demo world has closed deals enough for a trained model, so the ledger gives it a verdict.
        Assert.NotEqual("none", figures["trust.opportunity-scoring"]);
        Assert.NotEqual("not_assessed", figures["trust.opportunity-scoring"]);
    }
}
