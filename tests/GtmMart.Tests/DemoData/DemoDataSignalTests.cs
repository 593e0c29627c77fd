using System.Globalization;
using GtmMart.DemoData;
using GtmMart.DemoData.Model;

namespace GtmMart.Tests.DemoData;

/// <summary>The win probability carries learnable signal: outcomes, engagement, ICP, deal size, channel.</summary>
[Collection(DemoDataGroup.Name)]
public sealed class DemoDataSignalTests(DemoDataFixture fixture)
{
    [Fact]
    public void Won_deals_had_clearly_higher_true_probability_than_lost_ones()
    {
        var data = fixture.SeedWindow;
        var truth = Probabilities(data);
        var won = data.Opportunities.Rows.Where(r => r[3] == "Closed Won").Select(r => truth[r[0]]).Average();
        var lost = data.Opportunities.Rows.Where(r => r[3] == "Closed Lost").Select(r => truth[r[0]]).Average();
        Assert.True(won - lost > 0.2, $"mean p won {won:F3} vs lost {lost:F3}");
    }

    [Fact]
    public void More_engagement_before_the_opportunity_means_higher_probability()
    {
        // Engagement measured from the raw files only: sessions of the account's known contacts in the 90 days
        // before created_date. Opportunities created in the first 90 days (truncated history) are left out.
        var data = fixture.Default;
        var truth = Probabilities(data);
        var engagement = Engagement(data, windowDays: 90);
        var start = data.Options.Start.AddDays(90);
        var ranked = data.Opportunities.Rows
            .Where(r => Date(r[2]) >= start)
            .Select(r => (Sessions: engagement[r[0]], P: truth[r[0]]))
            .OrderBy(x => x.Sessions)
            .ToList();
        var third = ranked.Count / 3;
        var low = ranked.Take(third).Average(x => x.P);
        var middle = ranked.Skip(third).Take(third).Average(x => x.P);
        var high = ranked.Skip(2 * third).Average(x => x.P);
        Assert.True(low < middle && middle < high, $"mean p by engagement tercile: {low:F3} / {middle:F3} / {high:F3}");
        Assert.True(high - low > 0.2, $"top tercile {high:F3} vs bottom {low:F3}");
    }

    [Fact]
    public void Accounts_browse_more_in_the_weeks_before_an_opportunity_than_after()
    {
        // Buying journeys: the account's contacts visit more in the 30 days before created_date than in the 30 days
        // after it (without journeys both windows would win about equally often).
        var data = fixture.Default;
        var sessionsByAccount = SessionDaysByAccount(data);
        var first = data.Options.Start.AddDays(30).DayNumber;
        var last = data.Options.Start.AddDays(data.Options.Days - 30).DayNumber;
        int before = 0, after = 0;
        foreach (var row in data.Opportunities.Rows)
        {
            var created = Date(row[2]).DayNumber;
            if (created < first || created > last)
            {
                continue;
            }

            var days = sessionsByAccount.GetValueOrDefault(row[1]) ?? [];
            var sessionsBefore = days.Count(d => d >= created - 30 && d < created);
            var sessionsAfter = days.Count(d => d >= created && d < created + 30);
            before += sessionsBefore > sessionsAfter ? 1 : 0;
            after += sessionsAfter > sessionsBefore ? 1 : 0;
        }

        var share = before / (double)(before + after);
        Assert.True(share > 0.65, $"the 30 days before had more sessions than the 30 days after for {share:P1} of opportunities");
    }

    [Fact]
    public void Ideal_customer_profile_wins_much_more_often()
    {
        var data = fixture.SeedWindow;
        var truth = Probabilities(data);
        var icpAccounts = data.Accounts.Rows
            .Where(r => r[2] is "Software" or "Financial Services" && int.Parse(r[3], CultureInfo.InvariantCulture) is >= 200 and < 5_000)
            .Select(r => r[0])
            .ToHashSet();
        var icp = data.Opportunities.Rows.Where(r => icpAccounts.Contains(r[1])).Select(r => truth[r[0]]).ToList();
        var other = data.Opportunities.Rows.Where(r => !icpAccounts.Contains(r[1])).Select(r => truth[r[0]]).ToList();
        Assert.True(icp.Count > 100, $"only {icp.Count} ICP opportunities");
        Assert.True(icp.Average() - other.Average() > 0.15, $"mean p ICP {icp.Average():F3} vs others {other.Average():F3}");
    }

    [Fact]
    public void The_interaction_signal_flips_the_size_effect_by_industry_and_is_off_by_default()
    {
        var features = new WinFeatures(
            Industry: 0, Band: 0, Region: 1, Source: 0, Employees: 20, RevenueUsd: 5_000_000, AmountUsd: 25_000,
            Sessions30: 6, Sessions90: 15, HighIntent90: 8, Forms90: 2, Senior90: 6, Intent: 0);
        double Shift(WinFeatures f) => WinModel.Logit(f, WinSignal.Interaction) - WinModel.Logit(f);

        Assert.Equal(WinModel.Logit(features), WinModel.Logit(features, WinSignal.Additive));
        // Software favours large companies: small loses, large gains; Healthcare (index 2) the reverse.
        Assert.Equal(-WinModel.InteractionStrength, Shift(features), 12);
        Assert.Equal(WinModel.InteractionStrength, Shift(features with { Band = 3, Employees = 2_000 }), 12);
        Assert.Equal(WinModel.InteractionStrength, Shift(features with { Industry = 2 }), 12);
        Assert.Equal(-WinModel.InteractionStrength, Shift(features with { Industry = 2, Band = 3, Employees = 2_000 }), 12);
        Assert.Equal("Healthcare", Catalog.Industries[2].Name);
    }

    [Fact]
    public void Win_model_moves_in_the_documented_directions()
    {
        var baseline = new WinFeatures(
            Industry: 2, Band: 1, Region: 1, Source: 0, Employees: 100, RevenueUsd: 20_000_000, AmountUsd: 25_000,
            Sessions30: 6, Sessions90: 15, HighIntent90: 8, Forms90: 2, Senior90: 6, Intent: 0);
        var p = WinModel.Probability(baseline);

        Assert.True(WinModel.Probability(baseline with { Sessions30 = 20, Sessions90 = 50, HighIntent90 = 25, Forms90 = 6, Senior90 = 20 }) > p + 0.1);
        Assert.True(WinModel.Probability(baseline with { AmountUsd = 100_000 }) < p - 0.1);
        Assert.True(WinModel.Probability(baseline with { Industry = 0, Band = 2, Employees = 500, RevenueUsd = 125_000_000 }) > p + 0.15);
        Assert.True(WinModel.Probability(baseline with { Source = 5 }) > WinModel.Probability(baseline with { Source = 3 }));
        Assert.True(WinModel.Probability(baseline with { Region = 0 }) > WinModel.Probability(baseline with { Region = 2 }));
        Assert.Equal("Software", Catalog.Industries[0].Name);
        Assert.Equal("Partner", Catalog.OpportunitySources[5].Name);
        Assert.Equal("Meta", Catalog.OpportunitySources[3].Name);
    }

    private static Dictionary<string, double> Probabilities(DemoDataSet data) =>
        data.Truth.Rows.ToDictionary(r => r[0], r => double.Parse(r[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);

    private static Dictionary<string, List<int>> SessionDaysByAccount(DemoDataSet data)
    {
        var accountOfUser = data.Contacts.Rows.ToDictionary(r => r[0], r => r[1], StringComparer.Ordinal);
        var days = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var session in data.Sessions.Rows)
        {
            if (accountOfUser.TryGetValue(session[1], out var account))
            {
                if (!days.TryGetValue(account, out var list))
                {
                    days[account] = list = [];
                }

                list.Add(Date(session[2]).DayNumber);
            }
        }

        return days;
    }

    private static Dictionary<string, int> Engagement(DemoDataSet data, int windowDays)
    {
        var sessions = SessionDaysByAccount(data);
        return data.Opportunities.Rows.ToDictionary(
            r => r[0],
            r =>
            {
                var created = Date(r[2]).DayNumber;
                return (sessions.GetValueOrDefault(r[1]) ?? []).Count(d => d >= created - windowDays && d < created);
            },
            StringComparer.Ordinal);
    }

    private static DateOnly Date(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
