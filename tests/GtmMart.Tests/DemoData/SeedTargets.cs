namespace GtmMart.Tests.DemoData;

/// <summary>
/// Rates measured once on the seed data (../shared/seed-data, 2025-07-01..2025-09-28) and hard-coded so the demo
/// data tests do not need that folder; <see cref="SeedTargetsMatchSeedDataTests"/> re-measures them when it is there.
/// </summary>
public static class SeedTargets
{
    // 4,930 sessions, 737 with conversions > 0, 350 opportunities over 187 accounts in 90 days.
    public const int Sessions = 4_930;
    public const int FormSubmissions = 737;
    public const int Opportunities = 350;
    public const int AccountsWithOpportunities = 187;
    public const double FormSubmissionRate = FormSubmissions / (double)Sessions; // 0.1495

    // Stage mix of the 350 opportunities: Pipeline 116, Proposal 82, Closed Won 80, Closed Lost 72.
    public static readonly IReadOnlyDictionary<string, double> StageMix = new Dictionary<string, double>
    {
        ["Pipeline"] = 116 / 350.0,
        ["Proposal"] = 82 / 350.0,
        ["Closed Won"] = 80 / 350.0,
        ["Closed Lost"] = 72 / 350.0,
    };

    public const double WonShareOfClosed = 80 / 152.0; // 0.526

    // Session channel mix (utm_source; "" = direct): google 1,545, facebook 996, linkedin 942, organic 501, twitter 488, direct 458.
    public static readonly IReadOnlyDictionary<string, double> ChannelMix = new Dictionary<string, double>
    {
        ["google"] = 1_545 / 4_930.0,
        ["facebook"] = 996 / 4_930.0,
        ["linkedin"] = 942 / 4_930.0,
        ["organic"] = 501 / 4_930.0,
        ["twitter"] = 488 / 4_930.0,
        [""] = 458 / 4_930.0,
    };

    // Opportunity source mix: Google Ads 93, Organic 70, LinkedIn 63, Meta 53, Direct 52, Partner 19.
    public static readonly IReadOnlyDictionary<string, double> SourceMix = new Dictionary<string, double>
    {
        ["Google Ads"] = 93 / 350.0,
        ["Organic"] = 70 / 350.0,
        ["LinkedIn"] = 63 / 350.0,
        ["Meta"] = 53 / 350.0,
        ["Direct"] = 52 / 350.0,
        ["Partner"] = 19 / 350.0,
    };

    // Owner region mix: Europe 125, APAC 118, North America 107.
    public static readonly IReadOnlyDictionary<string, double> RegionMix = new Dictionary<string, double>
    {
        ["Europe"] = 125 / 350.0,
        ["APAC"] = 118 / 350.0,
        ["North America"] = 107 / 350.0,
    };

    // ad_spend: 2,966,226 clicks, 37,093,223 impressions, $986,521.38 spend; 3,971 paid sessions.
    public const double ClicksPerPaidSession = 2_966_226 / 3_971.0; // ~747
    public const double ClickThroughRate = 2_966_226 / 37_093_223.0; // ~0.0800
    public const double CostPerClick = 986_521.38 / 2_966_226; // ~0.333
}
