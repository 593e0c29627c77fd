namespace GtmMart.DemoData.Model;

/// <summary>A firmographic category with its share of accounts and its effect on the win log-odds.</summary>
internal sealed record Category(string Name, double Share, double WinEffect);

/// <summary>An industry; revenue per employee (USD) sets the scale of annual revenue.</summary>
internal sealed record Industry(string Name, double Share, double WinEffect, double RevenuePerEmployee, bool Icp);

/// <summary>An employee-count band [Min, Max); amounts of deals scale with the band.</summary>
internal sealed record SizeBand(string Name, double Share, double WinEffect, int Min, int Max, double MedianDealUsd, int MinContacts, int MaxContacts, bool Icp);

/// <summary>A region with its countries (name, share).</summary>
internal sealed record Region(string Name, double Share, double WinEffect, (string Name, double Share)[] Countries);

/// <summary>A paid campaign: ad platform channel, UTM source, campaign id stem and UTM slug stem (quarter appended).</summary>
internal sealed record Campaign(string Channel, string UtmSource, string IdStem, string SlugStem, double SessionShare);

/// <summary>Fixed dimensions of the demo world. Shares of sessions, opportunities and regions follow the seed data.</summary>
internal static class Catalog
{
    public static readonly Industry[] Industries =
    [
        new("Software", 0.20, 0.55, 250_000, Icp: true),
        new("Financial Services", 0.14, 0.40, 400_000, Icp: true),
        new("Healthcare", 0.13, 0.00, 200_000, Icp: false),
        new("Manufacturing", 0.14, -0.15, 220_000, Icp: false),
        new("Retail", 0.12, -0.45, 180_000, Icp: false),
        new("Telecommunications", 0.08, 0.10, 350_000, Icp: false),
        new("Education", 0.09, -0.60, 120_000, Icp: false),
        new("Public Sector", 0.10, -0.35, 150_000, Icp: false),
    ];

    public static readonly SizeBand[] SizeBands =
    [
        new("1-49", 0.18, -0.55, 5, 50, 12_000, 1, 2, Icp: false),
        new("50-199", 0.27, -0.10, 50, 200, 20_000, 1, 4, Icp: false),
        new("200-999", 0.27, 0.45, 200, 1_000, 30_000, 2, 5, Icp: true),
        new("1000-4999", 0.18, 0.35, 1_000, 5_000, 45_000, 3, 7, Icp: true),
        new("5000+", 0.10, -0.25, 5_000, 100_000, 60_000, 4, 9, Icp: false),
    ];

    /// <summary>Region shares follow the seed's owner_region mix (Europe 36%, APAC 34%, North America 31%).</summary>
    public static readonly Region[] Regions =
    [
        new("North America", 0.306, 0.15, [("United States", 0.80), ("Canada", 0.20)]),
        new("Europe", 0.357, 0.00, [("United Kingdom", 0.30), ("Germany", 0.25), ("France", 0.15), ("Netherlands", 0.10), ("Sweden", 0.10), ("Spain", 0.10)]),
        new("APAC", 0.337, -0.10, [("Australia", 0.30), ("Japan", 0.20), ("Singapore", 0.20), ("India", 0.20), ("New Zealand", 0.10)]),
    ];

    /// <summary>Opportunity source mix of the seed (Twitter never appears); effects on the win log-odds.</summary>
    public static readonly Category[] OpportunitySources =
    [
        new("Google Ads", 0.266, 0.00),
        new("Organic", 0.200, 0.15),
        new("LinkedIn", 0.180, 0.20),
        new("Meta", 0.151, -0.45),
        new("Direct", 0.149, 0.25),
        new("Partner", 0.054, 0.70),
    ];

    /// <summary>Job levels; the first <see cref="SeniorLevels"/> count as senior (C-Level, VP, Director).</summary>
    public static readonly Category[] JobLevels =
    [
        new("C-Level", 0.08, 0),
        new("VP", 0.12, 0),
        new("Director", 0.20, 0),
        new("Manager", 0.28, 0),
        new("Individual Contributor", 0.32, 0),
    ];

    public const int SeniorLevels = 3;

    public static readonly Category[] Departments =
    [
        new("Engineering", 0.22, 0),
        new("Marketing", 0.20, 0),
        new("Sales", 0.18, 0),
        new("Finance", 0.10, 0),
        new("IT", 0.18, 0),
        new("Operations", 0.12, 0),
    ];

    /// <summary>Paid campaigns and their share of all sessions (seed: google 31.3%, facebook 20.2%, linkedin 19.1%, twitter 9.9%).</summary>
    public static readonly Campaign[] Campaigns =
    [
        new("Google Ads", "google", "CAMP_GA_DEMO", "demo", 0.1043),
        new("Google Ads", "google", "CAMP_GA_BRAND", "brand", 0.1044),
        new("Google Ads", "google", "CAMP_GA_EXP", "exp", 0.1043),
        new("LinkedIn", "linkedin", "CAMP_LI_ABM", "abm", 0.0955),
        new("LinkedIn", "linkedin", "CAMP_LI_CLEVEL", "cxo", 0.0955),
        new("Meta", "facebook", "CAMP_META_RET", "retarget", 0.1010),
        new("Meta", "facebook", "CAMP_META_TOP", "top", 0.1010),
        new("Twitter", "twitter", "CAMP_TW_TEST", "test", 0.0990),
    ];

    /// <summary>Unpaid traffic shares of all sessions (seed: organic 10.2%, direct 9.3%).</summary>
    public const double OrganicShare = 0.102;

    public const double DirectShare = 0.093;

    /// <summary>Landing pages; the seed spreads sessions about evenly over them.</summary>
    public static readonly string[] LandingPages = ["/", "/pricing", "/demo", "/blog", "/enterprise", "/solutions"];

    /// <summary>Overall landing-page mix to reproduce (seed shares).</summary>
    public static readonly double[] LandingTarget = [0.167, 0.174, 0.162, 0.172, 0.163, 0.162];

    /// <summary>Landing-page mix of buying-journey sessions: pricing, demo and enterprise pages dominate.</summary>
    public static readonly double[] LandingJourney = [0.07, 0.28, 0.23, 0.06, 0.22, 0.14];

    /// <summary>High-intent pages (indexes into <see cref="LandingPages"/>): /pricing, /demo, /enterprise.</summary>
    public static bool IsHighIntentPage(int page) => page is 1 or 2 or 4;
}
