namespace GtmMart.Warehouse.Loading;

/// <summary>The five raw sources GtmMart reads, with their columns and the row rules the loader enforces.</summary>
public static class RawSources
{
    /// <summary>The stages known without a seed file (lower case); the build's <c>sql/seeds/opportunity_stages.csv</c> replaces them.</summary>
    public static readonly IReadOnlyList<string> Stages = ["pipeline", "proposal", "closed won", "closed lost"];

    /// <summary>Stands for the list of known stages (<see cref="LoadOptions.Stages"/>) in a rule.</summary>
    public const string StagesToken = "{stages}";

    public static readonly RawSource AdSpend = new(
        "ad_spend",
        Optional: false,
        [
            new("date", RawType.Date),
            new("campaign_id", RawType.Text),
            new("channel", RawType.Text),
            new("utm_source", RawType.Text),
            new("utm_campaign", RawType.Text),
            new("spend_usd", RawType.DecimalNumber),
            new("clicks", RawType.WholeNumber),
            new("impressions", RawType.WholeNumber),
        ],
        Key: ["date", "campaign_id"],
        Rules:
        [
            new("spend_usd", "spend_usd < 0", "negative spend"),
            new("clicks", "clicks < 0", "negative clicks"),
            new("impressions", "impressions < 0", "negative impressions"),
        ]);

    public static readonly RawSource WebAnalytics = new(
        "web_analytics",
        Optional: false,
        [
            new("session_id", RawType.Text),
            new("user_id", RawType.Text),
            new("session_date", RawType.Date),
            new("landing_page", RawType.Text, NotNull: false),
            new("utm_source", RawType.Text, NotNull: false),
            new("utm_campaign", RawType.Text, NotNull: false),
            new("pageviews", RawType.WholeNumber),
            new("conversions", RawType.WholeNumber),
        ],
        Key: ["session_id"],
        Rules:
        [
            new("pageviews", "pageviews < 0", "negative pageviews"),
            new("conversions", "conversions < 0", "negative conversions"),
        ]);

    public static readonly RawSource SalesforceOpportunities = new(
        "salesforce_opportunities",
        Optional: false,
        [
            new("opportunity_id", RawType.Text),
            new("account_id", RawType.Text),
            new("created_date", RawType.Date),
            new("stage", RawType.Text),
            new("amount_usd", RawType.DecimalNumber),
            new("source", RawType.Text),
            new("owner_region", RawType.Text),
            new("close_date", RawType.Date, InFile: false, NotNull: false),
            new("owner_id", RawType.Text, InFile: false, NotNull: false),
        ],
        Key: ["opportunity_id"],
        Rules:
        [
            new("stage", $"lower(trim(stage)) not in ({StagesToken})", "unknown stage (not in sql/seeds/opportunity_stages.csv)"),
            new("amount_usd", "amount_usd < 0", "negative amount"),
            new("close_date", "close_date < created_date", "close date before created date"),
        ]);

    public static readonly RawSource SalesforceAccounts = new(
        "salesforce_accounts",
        Optional: true,
        [
            new("account_id", RawType.Text),
            new("account_name", RawType.Text, NotNull: false),
            new("industry", RawType.Text, NotNull: false),
            new("employee_count", RawType.WholeNumber, NotNull: false),
            new("annual_revenue_usd", RawType.DecimalNumber, NotNull: false),
            new("country", RawType.Text, NotNull: false),
            new("region", RawType.Text, NotNull: false),
            new("created_date", RawType.Date, NotNull: false),
        ],
        Key: ["account_id"],
        Rules:
        [
            new("employee_count", "employee_count < 0", "negative employee count"),
            new("annual_revenue_usd", "annual_revenue_usd < 0", "negative annual revenue"),
        ]);

    public static readonly RawSource CrmContacts = new(
        "crm_contacts",
        Optional: true,
        [
            new("user_id", RawType.Text),
            new("account_id", RawType.Text),
            new("job_level", RawType.Text, NotNull: false),
            new("department", RawType.Text, NotNull: false),
        ],
        Key: ["user_id"],
        Rules: []);

    public static readonly IReadOnlyList<RawSource> All =
        [AdSpend, WebAnalytics, SalesforceOpportunities, SalesforceAccounts, CrmContacts];
}
