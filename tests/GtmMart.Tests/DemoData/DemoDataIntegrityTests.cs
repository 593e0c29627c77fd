using System.Globalization;

namespace GtmMart.Tests.DemoData;

[Collection(DemoDataGroup.Name)]
public sealed class DemoDataIntegrityTests(DemoDataFixture fixture)
{
    private static readonly HashSet<string> Stages = ["Pipeline", "Proposal", "Closed Won", "Closed Lost"];
    private static readonly HashSet<string> Sources = ["Google Ads", "LinkedIn", "Meta", "Direct", "Organic", "Partner"];
    private static readonly HashSet<string> Regions = ["North America", "Europe", "APAC"];
    private static readonly HashSet<string> Pages = ["/", "/pricing", "/demo", "/blog", "/enterprise", "/solutions"];

    private static readonly Dictionary<string, (string Channel, string UtmSource)> CampaignStems = new()
    {
        ["CAMP_GA_DEMO"] = ("Google Ads", "google"),
        ["CAMP_GA_BRAND"] = ("Google Ads", "google"),
        ["CAMP_GA_EXP"] = ("Google Ads", "google"),
        ["CAMP_LI_ABM"] = ("LinkedIn", "linkedin"),
        ["CAMP_LI_CLEVEL"] = ("LinkedIn", "linkedin"),
        ["CAMP_META_RET"] = ("Meta", "facebook"),
        ["CAMP_META_TOP"] = ("Meta", "facebook"),
        ["CAMP_TW_TEST"] = ("Twitter", "twitter"),
    };

    private DemoDataSet Data => fixture.Default;

    [Fact]
    public void Headers_are_the_documented_columns()
    {
        Assert.Equal(["date", "campaign_id", "channel", "utm_source", "utm_campaign", "spend_usd", "clicks", "impressions"], Data.AdSpend.Header);
        Assert.Equal(["session_id", "user_id", "session_date", "landing_page", "utm_source", "utm_campaign", "pageviews", "conversions"], Data.Sessions.Header);
        Assert.Equal(["opportunity_id", "account_id", "created_date", "stage", "amount_usd", "source", "owner_region", "close_date", "owner_id"], Data.Opportunities.Header);
        Assert.Equal(["account_id", "account_name", "industry", "employee_count", "annual_revenue_usd", "country", "region", "created_date"], Data.Accounts.Header);
        Assert.Equal(["user_id", "account_id", "job_level", "department"], Data.Contacts.Header);
        Assert.Equal(["opportunity_id", "true_win_probability", "outcome_drawn"], Data.Truth.Header);
    }

    [Fact]
    public void Row_counts_match_the_result_and_the_volumes()
    {
        var rows = Data.Result.RowsPerFile;
        Assert.Equal(Data.Accounts.Rows.Count, rows["salesforce_accounts.csv"]);
        Assert.Equal(Data.Contacts.Rows.Count, rows["crm_contacts.csv"]);
        Assert.Equal(Data.Sessions.Rows.Count, rows["web_analytics.csv"]);
        Assert.Equal(Data.AdSpend.Rows.Count, rows["ad_spend.csv"]);
        Assert.Equal(Data.Opportunities.Rows.Count, rows["salesforce_opportunities.csv"]);
        Assert.Equal(5, rows.Count);

        Assert.Equal(400, Data.Accounts.Rows.Count);
        Assert.Equal(8 * 270, Data.AdSpend.Rows.Count);
        Assert.Equal(Math.Round(4930.0 / 187 / 90 * 400 * 270), Data.Sessions.Rows.Count);
        Assert.Equal(Math.Round(350.0 / 187 / 90 * 400 * 270), Data.Opportunities.Rows.Count);
        Assert.Equal(Path.Combine(Data.Options.OutputDirectory, "ground_truth", "opportunity_truth.csv"), Data.Result.GroundTruthPath);
    }

    [Fact]
    public void Ids_are_unique_zero_padded_and_sequential()
    {
        Assert.Equal("ACCT000001", Data.Accounts.Rows[0][0]);
        Assert.Equal("OPP0000001", Data.Opportunities.Rows[0][0]);
        Assert.Equal("S000000001", Data.Sessions.Rows[0][0]);
        Assert.Equal(Data.Sessions.Rows.Count, Data.Sessions.Column("session_id").Distinct().Count());
        Assert.Equal(Data.Opportunities.Rows.Count, Data.Opportunities.Column("opportunity_id").Distinct().Count());
        Assert.Equal(Data.Contacts.Rows.Count, Data.Contacts.Column("user_id").Distinct().Count());
        Assert.All(Data.Sessions.Column("user_id"), u => Assert.Matches("^U[0-9]{7}$", u));
        Assert.All(Data.Opportunities.Column("owner_id"), o => Assert.Matches("^OWN[0-9]{3}$", o));
        Assert.Equal(Data.Accounts.Rows.Count, Data.Accounts.Column("account_name").Distinct().Count());
    }

    [Fact]
    public void Every_opportunity_and_contact_points_to_an_existing_account()
    {
        var accounts = Data.Accounts.Column("account_id").ToHashSet();
        Assert.All(Data.Opportunities.Column("account_id"), a => Assert.Contains(a, accounts));
        Assert.All(Data.Contacts.Column("account_id"), a => Assert.Contains(a, accounts));
    }

    [Fact]
    public void Some_but_not_all_web_users_are_known_contacts()
    {
        var contacts = Data.Contacts.Column("user_id").ToHashSet();
        var users = Data.Sessions.Column("user_id").Distinct().ToList();
        var anonymous = users.Count(u => !contacts.Contains(u)) / (double)users.Count;
        Assert.InRange(anonymous, 0.25, 0.55);
    }

    [Fact]
    public void Utm_tags_of_sessions_match_ad_spend_campaigns()
    {
        var campaigns = Data.AdSpend.Rows.Select(r => (Source: r[3], Campaign: r[4])).ToHashSet();
        var campaignsByDate = Data.AdSpend.Rows.Select(r => (Date: r[0], Source: r[3], Campaign: r[4])).ToHashSet();
        foreach (var row in Data.Sessions.Rows)
        {
            var (date, page, source, campaign) = (row[2], row[3], row[4], row[5]);
            Assert.Contains(page, Pages);
            if (source is "organic" or "")
            {
                Assert.Equal("", campaign);
            }
            else
            {
                Assert.Contains((source, campaign), campaigns);
                Assert.Contains((date, source, campaign), campaignsByDate);
            }

            Assert.True(int.Parse(row[6], CultureInfo.InvariantCulture) >= 1, "pageviews >= 1");
            Assert.True(int.Parse(row[7], CultureInfo.InvariantCulture) >= 0, "conversions >= 0");
        }

        Assert.Equal(["", "facebook", "google", "linkedin", "organic", "twitter"], Data.Sessions.Column("utm_source").Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Ad_spend_has_one_row_per_campaign_per_day_with_consistent_metrics()
    {
        Assert.Equal(Data.AdSpend.Rows.Count, Data.AdSpend.Rows.Select(r => (r[0], r[1])).Distinct().Count());
        foreach (var row in Data.AdSpend.Rows)
        {
            var stem = row[1][..row[1].LastIndexOf("_Q", StringComparison.Ordinal)];
            var quarter = row[1][^1];
            Assert.Equal(CampaignStems[stem], (row[2], row[3]));
            Assert.EndsWith("-q" + quarter, row[4], StringComparison.Ordinal);
            Assert.Equal((DateOnly.ParseExact(row[0], "yyyy-MM-dd", CultureInfo.InvariantCulture).Month + 2) / 3, quarter - '0');
            Assert.Matches(@"^[0-9]+\.[0-9]{2}$", row[5]);
            var spend = decimal.Parse(row[5], CultureInfo.InvariantCulture);
            var clicks = long.Parse(row[6], CultureInfo.InvariantCulture);
            var impressions = long.Parse(row[7], CultureInfo.InvariantCulture);
            Assert.True(spend > 0, "spend > 0");
            Assert.True(clicks >= 1 && clicks <= impressions, $"clicks {clicks} <= impressions {impressions}");
        }
    }

    [Fact]
    public void Opportunities_follow_stage_amount_and_close_date_rules()
    {
        var last = Data.Options.Start.AddDays(Data.Options.Days - 1);
        foreach (var row in Data.Opportunities.Rows)
        {
            var created = Date(row[2]);
            var stage = row[3];
            Assert.Contains(stage, Stages);
            Assert.Contains(row[5], Sources);
            Assert.Contains(row[6], Regions);
            Assert.InRange(created, Data.Options.Start, last);
            Assert.Matches(@"^[0-9]+\.[0-9]{2}$", row[4]);
            var amount = decimal.Parse(row[4], CultureInfo.InvariantCulture);
            if (stage == "Closed Lost")
            {
                Assert.Equal(0m, amount);
            }
            else
            {
                Assert.True(amount > 0, $"{row[0]}: amount > 0 for {stage}");
            }

            if (stage.StartsWith("Closed", StringComparison.Ordinal))
            {
                var closed = Date(row[7]);
                Assert.InRange(closed, created, last);
            }
            else
            {
                Assert.Equal("", row[7]);
            }
        }
    }

    [Fact]
    public void Ground_truth_has_one_row_per_opportunity_matching_the_stage()
    {
        Assert.Equal(Data.Opportunities.Column("opportunity_id"), Data.Truth.Column("opportunity_id"));
        for (var i = 0; i < Data.Truth.Rows.Count; i++)
        {
            var p = double.Parse(Data.Truth.Rows[i][1], CultureInfo.InvariantCulture);
            Assert.InRange(p, 0.0, 1.0);
            var expected = Data.Opportunities.Rows[i][3] switch
            {
                "Closed Won" => "1",
                "Closed Lost" => "0",
                _ => "",
            };
            Assert.Equal(expected, Data.Truth.Rows[i][2]);
        }
    }

    [Fact]
    public void Accounts_have_plausible_firmographics()
    {
        foreach (var row in Data.Accounts.Rows)
        {
            Assert.False(string.IsNullOrWhiteSpace(row[1]));
            Assert.InRange(int.Parse(row[3], CultureInfo.InvariantCulture), 1, 1_000_000);
            Assert.True(decimal.Parse(row[4], CultureInfo.InvariantCulture) > 0);
            Assert.Contains(row[6], Regions);
            Assert.True(Date(row[7]) < Data.Options.Start);
        }
    }

    private static DateOnly Date(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
