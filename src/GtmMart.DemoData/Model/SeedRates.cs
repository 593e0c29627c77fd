namespace GtmMart.DemoData.Model;

/// <summary>
/// Rates measured on the seed data (/work/shared/seed-data, 2025-07-01..2025-09-28: 90 days, 187 accounts with
/// opportunities, 350 opportunities, 4,930 sessions, 737 form submissions, 368 ad_spend rows) plus the few design
/// choices the seed cannot tell (marked "design").
/// </summary>
internal static class SeedRates
{
    public const double SeedDays = 90;

    /// <summary>4,930 sessions / 187 accounts / 90 days (about 26 per account per 90 days).</summary>
    public const double SessionsPerAccountDay = 4930.0 / 187 / SeedDays;

    /// <summary>350 opportunities / 187 accounts / 90 days (about 1.9 per account per 90 days).</summary>
    public const double OpportunitiesPerAccountDay = 350.0 / 187 / SeedDays;

    /// <summary>737 of 4,930 sessions have conversions &gt; 0.</summary>
    public const double FormSubmissionRate = 737.0 / 4930;

    /// <summary>151 of the 737 form sessions have two conversions (the rest one).</summary>
    public const double TwoConversionShare = 151.0 / 737;

    /// <summary>2,966,226 ad clicks over 3,971 paid sessions: clicks vastly exceed tracked sessions.</summary>
    public const double ClicksPerPaidSession = 2_966_226.0 / 3_971;

    /// <summary>Design: share of sessions made by known CRM contacts (the rest are anonymous visitors).</summary>
    public const double KnownSessionShare = 0.70;

    /// <summary>Design: share of user ids that are anonymous (not in crm_contacts).</summary>
    public const double AnonymousUserShare = 0.40;

    /// <summary>Design: days before an opportunity during which its account's buying journey lifts web activity.</summary>
    public const int JourneyDays = 60;

    /// <summary>Design: mean extra daily session weight of a journey, relative to an average account's base weight of 1.</summary>
    public const double JourneyStrength = 0.8;

    /// <summary>Design: share of opportunities that stall and stay open whatever their age.</summary>
    public const double StalledShare = 0.22;

    /// <summary>Design: mean days from creation to close (after a 3-day minimum) for deals that do close.</summary>
    public const double MeanCycleDays = 42;

    public const int MinCycleDays = 3;

    /// <summary>Design: share of an account's opportunities owned by its account owner / in its own region.</summary>
    public const double OwnRegionShare = 0.85;

    public const double AccountOwnerShare = 0.90;

    /// <summary>Design: log-sd of day-to-day variation of sessions and of opportunity creation.</summary>
    public const double DailySessionNoise = 0.10;

    public const double DailyOpportunityNoise = 0.20;

    /// <summary>Design: accounts per sales owner.</summary>
    public const int AccountsPerOwner = 40;
}
