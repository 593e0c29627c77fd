using GtmMart.Tests.Loading;
using GtmMart.Tests.Support;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;

namespace GtmMart.Tests.Attribution;

/// <summary>
/// A raw folder small enough to attribute by hand (all opportunities created in July 2025):
/// O1 won 1000 (CRM source Partner): Google Ads 14 days before, LinkedIn 7 days before, Organic on the created day (and a
/// Google Ads session the day after: not a touch). O2 lost (Meta): two sessions on the same day, Twitter S05 and Meta
/// S04 (a tie: session id order puts Meta first). O3 won 500 (LinkedIn): one Google Ads touch 89 days before (inside the
/// window) and a Meta session 90 days before (outside). O4 open (Direct): no contact, no touch. O5 won 200 (Organic):
/// no touch. Spend in July: Google Ads 300, LinkedIn 100.
/// </summary>
public sealed class HandPaths : IDisposable
{
    private readonly TestWarehouse db = new();

    public HandPaths()
    {
        var raw = db.Folder.Sub("raw");
        RawFiles.Write(raw, "ad_spend.csv", RawFiles.AdSpendHeader,
            "2025-07-01,CAMP_GA,Google Ads,google,q3,300.00,30,1000",
            "2025-07-01,CAMP_LI,LinkedIn,linkedin,q3,100.00,10,1000");
        RawFiles.Write(raw, "web_analytics.csv", RawFiles.SessionsHeader,
            "S01,U1,2025-07-06,/blog,google,q3,1,0",
            "S02,U1,2025-07-13,/blog,linkedin,q3,1,0",
            "S03,U1,2025-07-20,/pricing,organic,,1,1",
            "S09,U1,2025-07-21,/blog,google,q3,1,0",
            "S05,U2,2025-07-10,/blog,twitter,,1,0",
            "S04,U2,2025-07-10,/blog,facebook,,1,0",
            "S06,U3,2025-04-22,/blog,google,q3,1,0",
            "S07,U3,2025-04-21,/blog,facebook,,1,0",
            "S08,U9,2025-07-02,/blog,,,1,0");
        RawFiles.Write(raw, "salesforce_opportunities.csv", RawFiles.OpportunitiesHeader,
            "O1,A1,2025-07-20,Closed Won,1000.00,Partner,Europe",
            "O2,A2,2025-07-20,Closed Lost,0,Meta,Europe",
            "O3,A3,2025-07-20,Closed Won,500.00,LinkedIn,Europe",
            "O4,A4,2025-07-20,Pipeline,300.00,Direct,Europe",
            "O5,A5,2025-07-15,Closed Won,200.00,Organic,Europe");
        RawFiles.Write(raw, "crm_contacts.csv", "user_id,account_id,job_level,department",
            "U1,A1,VP,Sales", "U2,A2,Manager,IT", "U3,A3,Director,Ops");
        new RawLoader(db.Warehouse).Load(raw);
        Catalog = ModelCatalog.Load(RepoPaths.Sql);
        Build = new MartBuilder(db.Warehouse, Catalog).Build();
        Assert.True(Build.Published, string.Join("; ", Build.Failures.Select(f => $"{f.Test.Name}: {f.FailingRows}")));
    }

    public TestWarehouse Db => db;

    public ModelCatalog Catalog { get; }

    public BuildResult Build { get; }

    /// <summary>Credit of one model per (opportunity, session id or "-" for a fallback row).</summary>
    public Dictionary<(string Opportunity, string Session), decimal> Credits(string model) =>
        db.Rows($"select opportunity_id, coalesce(session_id, '-'), credit_{model} from mart.mrt_opportunity_touches")
            .ToDictionary(r => ((string)r[0]!, (string)r[1]!), r => Convert.ToDecimal(r[2], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>July 2025's attributed opportunities (null for markov), won and revenue per channel under one model.</summary>
    public Dictionary<string, (decimal? Opportunities, decimal Won, decimal Revenue, double? Cac, double? Roas)> July(string model) =>
        db.Rows(
            "select channel, attributed_opportunities, attributed_won, attributed_revenue_usd, cac_usd, roas from mart.mrt_channel_attribution where month = date '2025-07-01' and model = $m",
            ("m", model))
            .ToDictionary(r => (string)r[0]!, r => (
                r[1] is null ? (decimal?)null : Convert.ToDecimal(r[1], System.Globalization.CultureInfo.InvariantCulture),
                Convert.ToDecimal(r[2], System.Globalization.CultureInfo.InvariantCulture),
                Convert.ToDecimal(r[3], System.Globalization.CultureInfo.InvariantCulture),
                r[4] is null ? (double?)null : Convert.ToDouble(r[4], System.Globalization.CultureInfo.InvariantCulture),
                r[5] is null ? (double?)null : Convert.ToDouble(r[5], System.Globalization.CultureInfo.InvariantCulture)));

    public void Dispose() => db.Dispose();
}
