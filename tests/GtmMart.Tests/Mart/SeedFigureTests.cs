using System.Globalization;
using GtmMart.Tests.Support;

namespace GtmMart.Tests.Mart;

/// <summary>
/// The mart reproduces the figures of <c>../shared/seed-data/README.md</c>, and every per-channel, per-month figure
/// equals an independent aggregation of the raw CSV files (read directly, bypassing loader and models).
/// </summary>
public sealed class SeedFigureTests(SeedMartFixture mart) : IClassFixture<SeedMartFixture>
{
    private const string Metrics = "mart.mrt_monthly_channel_metrics";

    [SeedFact]
    public void The_build_is_published_with_every_data_test_passing()
    {
        Assert.True(mart.Build.Published, string.Join("; ", mart.Build.Failures.Select(f => f.Test.Name)));
        Assert.True(mart.Build.Tests.Count > 100, $"only {mart.Build.Tests.Count} data tests ran");
    }

    [SeedFact]
    public void Totals_match_the_readme()
    {
        _ = mart.Build;
        var totals = mart.Db.Rows("select sum(sessions), sum(form_submissions), sum(opportunities), sum(closed_won) from mart.mrt_channel_funnel")[0];

        Assert.Equal([4930m, 737m, 350m, 80m], totals.Select(v => Convert.ToDecimal(v, CultureInfo.InvariantCulture)));
    }

    [SeedFact]
    public void Monthly_sessions_and_opportunities_match_the_readme()
    {
        _ = mart.Build;

        Assert.Equal([1689m, 1735m, 1506m], Metric("Total", 6));
        Assert.Equal([38m, 125m, 187m], Metric("Total", 10));
    }

    [SeedFact]
    public void Revenue_is_closed_won_amount_only_and_pipeline_is_separate()
    {
        _ = mart.Build;
        var csv = Csv("salesforce_opportunities");
        var won = mart.Db.Scalar<decimal>($"select sum(amount_usd) from {csv} where stage = 'Closed Won'");
        var open = mart.Db.Scalar<decimal>($"select sum(amount_usd) from {csv} where stage in ('Pipeline', 'Proposal')");

        Assert.Equal(won, mart.Db.Scalar<decimal>($"select sum(value) from {Metrics} where channel = 'Total' and metric_index = 13"));
        Assert.Equal(open, mart.Db.Scalar<decimal>("select sum(pipeline_amount_usd) from mart.mrt_channel_funnel"));
        Assert.NotEqual(won, won + open);
    }

    [SeedFact]
    public void Spend_clicks_and_impressions_per_channel_and_month_equal_the_raw_file()
    {
        _ = mart.Build;
        var expected = mart.Db.Rows(
            $"""
            select channel, cast(date_trunc('month', date) as date) as month,
                   cast(sum(impressions) as decimal(18,2)), cast(sum(clicks) as decimal(18,2)), cast(sum(spend_usd) as decimal(18,2))
            from {Csv("ad_spend")} group by all order by 1, 2
            """);
        var actual = mart.Db.Rows(
            $"""
            select channel, cast(month as date),
                   cast(sum(case when metric_index = 1 then value end) as decimal(18,2)),
                   cast(sum(case when metric_index = 2 then value end) as decimal(18,2)),
                   cast(sum(case when metric_index = 3 then value end) as decimal(18,2))
            from {Metrics} where channel in ('Google Ads', 'LinkedIn', 'Meta', 'Twitter') group by all order by 1, 2
            """);

        Assert.Equal(12, expected.Count);
        Assert.Equal(expected, actual);
    }

    [SeedFact]
    public void Sessions_form_submissions_opportunities_and_won_per_channel_and_month_equal_the_raw_files()
    {
        _ = mart.Build;
        var sessions = mart.Db.Rows(
            $"""
            select case coalesce(utm_source, '') when 'google' then 'Google Ads' when 'linkedin' then 'LinkedIn'
                        when 'facebook' then 'Meta' when 'twitter' then 'Twitter' when 'organic' then 'Organic' else 'Direct' end as channel,
                   cast(date_trunc('month', session_date) as date) as month,
                   cast(count(*) as decimal(18,2)), cast(sum(case when conversions > 0 then 1 else 0 end) as decimal(18,2))
            from {Csv("web_analytics")} group by all order by 1, 2
            """);
        var opportunities = mart.Db.Rows(
            $"""
            select source, cast(date_trunc('month', created_date) as date) as month,
                   cast(count(*) as decimal(18,2)), cast(sum(case when stage = 'Closed Won' then 1 else 0 end) as decimal(18,2))
            from {Csv("salesforce_opportunities")} group by all order by 1, 2
            """);

        Assert.Equal(sessions, MetricPairs(6, 7));
        Assert.Equal(opportunities, MetricPairs(10, 11));
    }

    [SeedFact]
    public void Every_channel_has_a_row_every_day()
    {
        _ = mart.Build;
        var days = mart.Db.Scalar<long>("select count(*) from core.dim_dates");
        var channels = mart.Db.Scalar<long>("select count(*) from core.dim_channels");

        Assert.Equal(90L, days);
        Assert.Equal(days * channels, mart.Db.Scalar<long>("select count(*) from mart.mrt_channel_funnel"));
        Assert.Equal(0L, mart.Db.Scalar<long>("select sessions from mart.mrt_channel_funnel where channel = 'Partner' and date_day = date '2025-07-01'"));
    }

    [SeedFact]
    public void Month_over_month_change_compares_with_the_previous_month()
    {
        _ = mart.Build;
        var rows = mart.Db.Rows($"select metric_value, prev_metric_value, mom_change from {Metrics} where channel = 'Total' and metric_index = 10 order by month");

        Assert.Null(rows[0][1]);
        Assert.Equal(125.0 - 38.0, Convert.ToDouble(rows[1][2], CultureInfo.InvariantCulture), 6);
        Assert.Equal(187.0 - 125.0, Convert.ToDouble(rows[2][2], CultureInfo.InvariantCulture), 6);
    }

    private static string Csv(string name) =>
        $"read_csv('{Path.Combine(RepoPaths.SeedData, name + ".csv").Replace("'", "''", StringComparison.Ordinal)}', header = true)";

    private decimal[] Metric(string channel, int index) =>
        mart.Db.Rows($"select value from {Metrics} where channel = $c and metric_index = $i order by month", ("c", channel), ("i", index))
            .Select(r => Convert.ToDecimal(r[0], CultureInfo.InvariantCulture)).ToArray();

    private List<object?[]> MetricPairs(int first, int second) => mart.Db.Rows(
        $"""
        select channel, cast(month as date),
               cast(sum(case when metric_index = {first} then value end) as decimal(18,2)),
               cast(sum(case when metric_index = {second} then value end) as decimal(18,2))
        from {Metrics} where channel <> 'Total'
        group by all
        having sum(case when metric_index = {first} then value end) > 0
        order by 1, 2
        """);
}
