using System.Text;

namespace GtmMart.Tests.Loading;

/// <summary>Small hand-made raw folders for loader tests.</summary>
internal static class RawFiles
{
    public const string AdSpendHeader = "date,campaign_id,channel,utm_source,utm_campaign,spend_usd,clicks,impressions";
    public const string SessionsHeader = "session_id,user_id,session_date,landing_page,utm_source,utm_campaign,pageviews,conversions";
    public const string OpportunitiesHeader = "opportunity_id,account_id,created_date,stage,amount_usd,source,owner_region";

    public static void Write(string directory, string name, params string[] lines) =>
        File.WriteAllText(Path.Combine(directory, name), string.Join("\r\n", lines) + "\r\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

    /// <summary>A valid minimal folder: 2 ad rows, 3 sessions, 2 opportunities.</summary>
    public static void WriteValid(string directory)
    {
        Write(directory, "ad_spend.csv", AdSpendHeader,
            "2025-07-01,CAMP_GA,Google Ads,google,demo-q3,100.50,200,4000",
            "2025-07-02,CAMP_GA,Google Ads,google,demo-q3,80.25,150,3000");
        Write(directory, "web_analytics.csv", SessionsHeader,
            "S1,U1,2025-07-01,/pricing,google,demo-q3,3,1",
            "S2,U2,2025-07-01,/blog,,,1,0",
            "S3,U3,2025-07-02,/demo,organic,,2,0");
        Write(directory, "salesforce_opportunities.csv", OpportunitiesHeader,
            "O1,A1,2025-07-01,Closed Won,1000.00,Google Ads,Europe",
            "O2,A2,2025-07-02,Pipeline,500.00,Organic,APAC");
    }
}
