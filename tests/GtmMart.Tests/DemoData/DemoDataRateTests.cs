using System.Globalization;

namespace GtmMart.Tests.DemoData;

/// <summary>Rates of a 2,000-account, 90-day data set (the seed's window) against <see cref="SeedTargets"/>.</summary>
[Collection(DemoDataGroup.Name)]
public sealed class DemoDataRateTests(DemoDataFixture fixture)
{
    private DemoDataSet Data => fixture.SeedWindow;

    [Fact]
    public void Volumes_scale_from_the_seed_per_account()
    {
        // Seed: 4,930 sessions and 350 opportunities for 187 accounts in 90 days.
        Assert.Equal(Math.Round(SeedTargets.Sessions / (double)SeedTargets.AccountsWithOpportunities * 2_000), Data.Sessions.Rows.Count);
        Assert.Equal(Math.Round(SeedTargets.Opportunities / (double)SeedTargets.AccountsWithOpportunities * 2_000), Data.Opportunities.Rows.Count);
    }

    [Fact]
    public void Form_submission_rate_is_near_the_seed()
    {
        var rate = Data.Sessions.Column("conversions").Count(c => c != "0") / (double)Data.Sessions.Rows.Count;
        Assert.InRange(rate, SeedTargets.FormSubmissionRate - 0.01, SeedTargets.FormSubmissionRate + 0.01);
    }

    [Fact]
    public void Session_channel_mix_is_near_the_seed() =>
        AssertMix(SeedTargets.ChannelMix, Data.Sessions.Column("utm_source"), tolerance: 0.015);

    [Fact]
    public void Landing_pages_are_spread_like_the_seed()
    {
        var pages = Data.Sessions.Column("landing_page").ToList();
        foreach (var group in pages.GroupBy(p => p, StringComparer.Ordinal))
        {
            Assert.InRange(group.Count() / (double)pages.Count, 1 / 6.0 - 0.02, 1 / 6.0 + 0.02);
        }
    }

    [Fact]
    public void Stage_mix_and_win_rate_are_near_the_seed()
    {
        AssertMix(SeedTargets.StageMix, Data.Opportunities.Column("stage"), tolerance: 0.04);
        var closed = Data.Opportunities.Column("stage").Where(s => s.StartsWith("Closed", StringComparison.Ordinal)).ToList();
        var won = closed.Count(s => s == "Closed Won") / (double)closed.Count;
        Assert.InRange(won, SeedTargets.WonShareOfClosed - 0.05, SeedTargets.WonShareOfClosed + 0.05);
    }

    [Fact]
    public void Opportunity_source_and_region_mix_are_near_the_seed()
    {
        AssertMix(SeedTargets.SourceMix, Data.Opportunities.Column("source"), tolerance: 0.025);
        AssertMix(SeedTargets.RegionMix, Data.Opportunities.Column("owner_region"), tolerance: 0.04); // clustered by account
    }

    [Fact]
    public void Ad_metrics_are_near_the_seed()
    {
        var clicks = Data.AdSpend.Column("clicks").Sum(c => long.Parse(c, CultureInfo.InvariantCulture));
        var impressions = Data.AdSpend.Column("impressions").Sum(c => long.Parse(c, CultureInfo.InvariantCulture));
        var spend = Data.AdSpend.Column("spend_usd").Sum(c => decimal.Parse(c, CultureInfo.InvariantCulture));
        var paid = Data.Sessions.Column("utm_source").Count(s => s is not ("" or "organic"));

        Assert.InRange(clicks / (double)paid, SeedTargets.ClicksPerPaidSession * 0.85, SeedTargets.ClicksPerPaidSession * 1.15);
        Assert.InRange(clicks / (double)impressions, SeedTargets.ClickThroughRate * 0.8, SeedTargets.ClickThroughRate * 1.2);
        Assert.InRange((double)spend / clicks, SeedTargets.CostPerClick * 0.85, SeedTargets.CostPerClick * 1.15);
    }

    [Fact]
    public void Old_opportunities_are_mostly_closed_and_recent_ones_mostly_open()
    {
        var data = fixture.Default;
        var last = data.Options.Start.AddDays(data.Options.Days - 1);
        double ClosedShare(Func<int, bool> age)
        {
            var stages = data.Opportunities.Rows
                .Where(r => age(last.DayNumber - DateOnly.ParseExact(r[2], "yyyy-MM-dd", CultureInfo.InvariantCulture).DayNumber))
                .Select(r => r[3])
                .ToList();
            return stages.Count(s => s.StartsWith("Closed", StringComparison.Ordinal)) / (double)stages.Count;
        }

        var recent = ClosedShare(age => age < 30);
        var old = ClosedShare(age => age >= 90);
        Assert.True(recent < 0.4, $"closed share of deals created in the last 30 days: {recent:P1}");
        Assert.True(old > 0.6, $"closed share of deals older than 90 days: {old:P1}");
    }

    private static void AssertMix(IReadOnlyDictionary<string, double> expected, IEnumerable<string> values, double tolerance)
    {
        var list = values.ToList();
        var actual = list.GroupBy(v => v, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count() / (double)list.Count, StringComparer.Ordinal);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, share) in expected)
        {
            Assert.True(Math.Abs(actual[key] - share) <= tolerance, $"'{key}': {actual[key]:P1} vs seed {share:P1} (tolerance {tolerance:P1})");
        }
    }
}
