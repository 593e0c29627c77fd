using System.Globalization;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Models;
using GtmMart.Warehouse.Testing;

namespace GtmMart.Tests.Attribution;

/// <summary>
/// Every attribution model against figures worked out by hand on <see cref="HandPaths"/>: the touches (window edges,
/// a same-day tie, a single touch, no touch), each rule-based credit, the exact Markov removal effects and the channel
/// table with CAC and ROAS.
/// </summary>
public sealed class AttributionModelTests : IClassFixture<AttributionModelTests.Fixture>
{
    private readonly HandPaths paths;

    public AttributionModelTests(Fixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        paths = fixture.Paths;
    }

    [Fact]
    public void Touches_are_the_accounts_sessions_in_the_window_ordered_by_date_then_session_id()
    {
        var rows = paths.Db.Rows(
            "select opportunity_id, touch_index, touch_count, coalesce(session_id, '-'), channel, days_before_created, is_source_fallback " +
            "from mart.mrt_opportunity_touches order by opportunity_id, touch_index")
            .Select(r => string.Join(" ", r.Select(v => v is null ? "null" : Convert.ToString(v, CultureInfo.InvariantCulture))))
            .ToList();

        Assert.Equal(
            [
                "O1 1 3 S01 Google Ads 14 False",
                "O1 2 3 S02 LinkedIn 7 False",
                "O1 3 3 S03 Organic 0 False",
                "O2 1 2 S04 Meta 10 False",
                "O2 2 2 S05 Twitter 10 False",
                "O3 1 1 S06 Google Ads 89 False",
                "O4 1 1 - Direct null True",
                "O5 1 1 - Organic null True",
            ],
            rows);
    }

    [Theory]
    [InlineData("first_touch", "1 0 0", "1 0", "1")]
    [InlineData("last_touch", "0 0 1", "0 1", "1")]
    [InlineData("linear", "0.333333333333333 0.333333333333333 0.333333333333334", "0.5 0.5", "1")]
    [InlineData("position_based", "0.4 0.2 0.4", "0.5 0.5", "1")]
    [InlineData("time_decay", "0.142857142857143 0.285714285714286 0.571428571428571", "0.5 0.5", "1")]
    public void Rule_based_credits_match_the_hand_computed_ones(string model, string threeTouches, string sameDayTie, string singleTouch)
    {
        var credits = paths.Credits(model);

        Assert.Equal(threeTouches, Join(credits[("O1", "S01")], credits[("O1", "S02")], credits[("O1", "S03")]));
        Assert.Equal(sameDayTie, Join(credits[("O2", "S04")], credits[("O2", "S05")]));
        Assert.Equal(singleTouch, Join(credits[("O3", "S06")]));
        Assert.Equal(1m, credits[("O4", "-")]);
        Assert.Equal(1m, credits[("O5", "-")]);
        Assert.Equal(8, credits.Count);
    }

    [Fact]
    public void Markov_removal_effects_are_the_exact_solution_of_the_months_chain()
    {
        // Paths: O1 Google > LinkedIn > Organic > conversion, O3 Google > conversion, O2 Meta > Twitter > null.
        // P(conversion) = 2/3 x (1/2 + 1/2) = 2/3; without Google 0 (effect 1); without LinkedIn or Organic 1/3
        // (effect 1/2); without Meta or Twitter still 2/3 (effect 0). Shares 1/2, 1/4, 1/4, 0, 0.
        var rows = paths.Db.Rows("select channel, paths, converting_paths, conversion_probability, removal_effect, share from mart.mrt_markov_removal_effects order by channel")
            .Select(r => string.Join(" ", r.Select(v => v is double d ? d.ToString("0.############", CultureInfo.InvariantCulture) : (v is decimal m ? Text(m) : Convert.ToString(v, CultureInfo.InvariantCulture)))))
            .ToList();

        Assert.Equal(
            [
                "Google Ads 3 2 0.666666666667 1 0.5",
                "LinkedIn 3 2 0.666666666667 0.5 0.25",
                "Meta 3 2 0.666666666667 0 0",
                "Organic 3 2 0.666666666667 0.5 0.25",
                "Twitter 3 2 0.666666666667 0 0",
            ],
            rows);
    }

    [Theory]
    [InlineData("crm_source", "Direct 1 0 0|LinkedIn 1 1 500|Meta 1 0 0|Organic 1 1 200|Partner 1 1 1000")]
    [InlineData("first_touch", "Direct 1 0 0|Google Ads 2 2 1500|Meta 1 0 0|Organic 1 1 200")]
    [InlineData("last_touch", "Direct 1 0 0|Google Ads 1 1 500|Organic 2 2 1200|Twitter 1 0 0")]
    [InlineData("linear", "Direct 1 0 0|Google Ads 1.333333333333333 1.333333333333333 833.333333333333|LinkedIn 0.333333333333333 0.333333333333333 333.333333333333|Meta 0.5 0 0|Organic 1.333333333333334 1.333333333333334 533.333333333334|Twitter 0.5 0 0")]
    [InlineData("position_based", "Direct 1 0 0|Google Ads 1.4 1.4 900|LinkedIn 0.2 0.2 200|Meta 0.5 0 0|Organic 1.4 1.4 600|Twitter 0.5 0 0")]
    [InlineData("time_decay", "Direct 1 0 0|Google Ads 1.142857142857143 1.142857142857143 642.857142857143|LinkedIn 0.285714285714286 0.285714285714286 285.714285714286|Meta 0.5 0 0|Organic 1.571428571428571 1.571428571428571 771.428571428571|Twitter 0.5 0 0")]
    [InlineData("markov", "Google Ads null 1 750|LinkedIn null 0.5 375|Organic null 1.5 575")]
    public void The_channel_table_sums_each_models_credits_per_month(string model, string expected)
    {
        var july = paths.July(model)
            .Where(c => c.Value.Opportunities is not 0m && (c.Value.Opportunities is not null || c.Value.Won != 0))
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => $"{c.Key} {(c.Value.Opportunities is { } o ? Text(o) : "null")} {Text(c.Value.Won)} {Text(c.Value.Revenue)}");

        Assert.Equal(expected, string.Join("|", july));
    }

    [Theory]
    [InlineData("first_touch", "Google Ads", 150.0, 5.0)]
    [InlineData("markov", "Google Ads", 300.0, 2.5)]
    [InlineData("markov", "LinkedIn", 200.0, 3.75)]
    [InlineData("first_touch", "LinkedIn", null, 0.0)]
    [InlineData("first_touch", "Meta", null, null)]
    [InlineData("first_touch", "Organic", null, null)]
    public void Cac_and_roas_are_spend_over_attributed_won_and_attributed_revenue_over_spend(string model, string channel, double? cac, double? roas)
    {
        var row = paths.July(model)[channel];

        Assert.Equal(cac, row.Cac);
        Assert.Equal(roas, row.Roas);
    }

    [Fact]
    public void Each_model_adds_up_to_the_months_opportunities_won_and_revenue()
    {
        // Checked against the opportunities directly, not against the table's own month_* columns.
        var gaps = paths.Db.Scalar<long>(AttributionInvariants.Sql);

        Assert.Equal(0, gaps);
        Assert.Equal(7 * 4, paths.Db.Scalar<long>("select count(distinct model || cast(month as varchar)) from mart.mrt_channel_attribution"));
    }

    [Fact]
    public void A_group_data_test_names_the_opportunity_whose_credits_do_not_add_up_to_one()
    {
        using var own = new HandPaths();
        using var connection = own.Db.Warehouse.Open();
        connection.Execute(
            $"update {SqlRewriter.BuildSchema("mart", own.Build.BuildId)}.mrt_opportunity_touches set credit_linear = 0.3 where opportunity_id = 'O1' and touch_index = 1");

        var result = DataTestRunner.Run(connection, own.Catalog.Tests, SqlRewriter.Published(own.Catalog.Models))
            .Single(r => r.Test.Name.StartsWith("expression(mart.mrt_opportunity_touches per opportunity_id: sum(credit_first_touch)", StringComparison.Ordinal));

        Assert.Equal(1, result.FailingRows);
        Assert.Equal("O1", result.Sample.Single()[0]);
    }

    private static string Join(params decimal[] values) => string.Join(" ", values.Select(Text));

    private static string Text(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    public sealed class Fixture : IDisposable
    {
        public HandPaths Paths { get; } = new();

        public void Dispose() => Paths.Dispose();
    }
}

/// <summary>The invariants of mart.mrt_channel_attribution, checked against core.fct_opportunities directly.</summary>
internal static class AttributionInvariants
{
    /// <summary>Counts (month, model) pairs whose sums differ from the month's opportunities, closed won or closed-won revenue, and opportunities whose credits do not sum to 1.</summary>
    public const string Sql =
        """
        with months as (
            select created_month as month, count(*) as opportunities, sum(case when is_won then 1 else 0 end) as won, sum(revenue_usd) as revenue
            from core.fct_opportunities group by all
        ),
        sums as (
            select month, model, sum(attributed_opportunities) as opportunities, max(attributed_opportunities) as any_opportunities,
                sum(attributed_won) as won, sum(attributed_revenue_usd) as revenue
            from mart.mrt_channel_attribution group by all
        ),
        gaps as (
            select sums.month from sums left join months on sums.month = months.month
            where (sums.any_opportunities is not null and sums.opportunities <> coalesce(months.opportunities, 0))
               or (sums.model = 'markov') <> (sums.any_opportunities is null)
               or sums.won <> coalesce(months.won, 0) or sums.revenue <> coalesce(months.revenue, 0)
            union all
            select created_month from mart.mrt_opportunity_touches group by opportunity_id, created_month
            having sum(credit_first_touch) <> 1 or sum(credit_last_touch) <> 1 or sum(credit_linear) <> 1
                or sum(credit_position_based) <> 1 or sum(credit_time_decay) <> 1
        )
        select count(*) from gaps
        """;
}
