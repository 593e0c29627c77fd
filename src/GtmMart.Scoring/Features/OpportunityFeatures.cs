namespace GtmMart.Scoring.Features;

/// <summary>
/// THE opportunity features: every column of <c>mart.mrt_opportunity_features</c> a model may use, in the mart's order,
/// with its family, phrasing and description. Adding a feature means adding its column to
/// <c>sql/mart/mrt_opportunity_features.sql</c>, its field to <c>InlineOpportunity</c> in <c>protos/gtm/v1/scoring.proto</c>
/// and one line here; the catalog tests say when the three disagree. Windows are the N days before the created date.
/// </summary>
public static class OpportunityFeatures
{
    public static OpportunityFeatureCatalog Catalog { get; } = new(
        [
            new("deal_size", "Deal size"),
            new("channel", "Channel", ["channel", "is_paid_media"]),
            new("region_owner", "Region and owner", ["account_region", "owner_region"]),
            new("industry", "Industry"),
            new("company_size", "Company size", ["employee_band", "employee_count", "annual_revenue_usd"]),
            new("account_history", "Account history", ["prior_won", "prior_lost", "prior_opportunities"]),
            new("web_engagement", "Web engagement", ["sessions_30d", "days_since_last_session"]),
            new("forms", "Form submissions", ["form_submissions_30d", "form_submissions_90d"]),
            new("intent_pages", "Pricing, demo and enterprise pages", ["demo_visits_30d", "pricing_visits_30d", "enterprise_visits_30d"]),
            new("senior_engagement", "Senior engagement", ["senior_engaged_contacts_90d", "senior_sessions_30d"]),
        ],
        [
            Number("amount_usd", "deal_size", FeaturePhrasing.Money("Deal size", whenZero: "Deal size not set"),
                "Deal amount in US dollars as exported (0 for every Closed Lost deal in the example exports: a leak training detects)") with { Wire = WireUnit.UsdCents },
            Category("channel", "channel", FeaturePhrasing.Category("Channel"),
                "Acquisition channel as the CRM records it, e.g. \"Partner\", \"LinkedIn\", \"Google Ads\", \"Organic\", \"Direct\", \"Meta\""),
            Number("is_paid_media", "channel", FeaturePhrasing.Flag("source media", "Sourced from paid media", "Not sourced from paid media", "paid media", "not paid media"),
                "1 when the channel is paid media (ad platforms), else 0") with { IsFlag = true },
            Category("owner_region", "region_owner", FeaturePhrasing.Category("Owner region"),
                "Region of the opportunity's owner, e.g. \"North America\", \"Europe\", \"APAC\""),
            Category("owner_id", "region_owner", FeaturePhrasing.Category("Owner"),
                "The owner (sales rep) id; not in the default model (one category per rep)") with { InDefaultModel = false },
            Category("industry", "industry", FeaturePhrasing.Category("Industry"),
                "The account's industry, e.g. \"Software\", \"Financial Services\", \"Healthcare\", \"Retail\""),
            Category("employee_band", "company_size", FeaturePhrasing.Category("Company size", suffix: "employees"),
                "The account's employee band: \"1-49\", \"50-199\", \"200-999\", \"1000-4999\" or \"5000+\""),
            Number("employee_count", "company_size", FeaturePhrasing.Quantity("employee count", "employees"),
                "The account's employee count"),
            Number("annual_revenue_usd", "company_size", FeaturePhrasing.Money("Annual revenue", whenZero: ""),
                "The account's annual revenue in US dollars") with { Wire = WireUnit.UsdCents },
            Category("account_region", "region_owner", FeaturePhrasing.Category("Account region"),
                "The account's region, e.g. \"North America\", \"Europe\", \"APAC\""),
            Number("prior_opportunities", "account_history", Count("earlier opportunity with the account", "earlier opportunities with the account"),
                "The account's opportunities created before this one"),
            Number("prior_won", "account_history", Count("earlier deal won with the account", "earlier deals won with the account"),
                "Of those, the ones closed won before this one was created"),
            Number("prior_lost", "account_history", Count("earlier deal lost with the account", "earlier deals lost with the account"),
                "Of those, the ones closed lost before this one was created"),
            Number("sessions_7d", "web_engagement", Sessions("in the last 7 days"), "Web sessions of the account's contacts in the last 7 days"),
            Number("sessions_30d", "web_engagement", Sessions("in the last 30 days"), "Web sessions of the account's contacts in the last 30 days"),
            Number("sessions_90d", "web_engagement", Sessions("in the last 90 days"), "Web sessions of the account's contacts in the last 90 days"),
            Number("pageviews_30d", "web_engagement", Count("page view", "page views", "in the last 30 days"), "Page views in the last 30 days"),
            Number("pageviews_90d", "web_engagement", Count("page view", "page views", "in the last 90 days"), "Page views in the last 90 days"),
            Number("form_submissions_30d", "forms", Count("form submission", "form submissions", "in the last 30 days"), "Form submissions in the last 30 days"),
            Number("form_submissions_90d", "forms", Count("form submission", "form submissions", "in the last 90 days"), "Form submissions in the last 90 days"),
            Number("pricing_visits_30d", "intent_pages", Count("pricing-page visit", "pricing-page visits", "in the last 30 days"), "Sessions landing on /pricing in the last 30 days"),
            Number("demo_visits_30d", "intent_pages", Count("demo-page visit", "demo-page visits", "in the last 30 days"), "Sessions landing on /demo in the last 30 days"),
            Number("enterprise_visits_30d", "intent_pages", Count("enterprise-page visit", "enterprise-page visits", "in the last 30 days"), "Sessions landing on /enterprise in the last 30 days"),
            Number("pricing_visits_90d", "intent_pages", Count("pricing-page visit", "pricing-page visits", "in the last 90 days"), "Sessions landing on /pricing in the last 90 days"),
            Number("demo_visits_90d", "intent_pages", Count("demo-page visit", "demo-page visits", "in the last 90 days"), "Sessions landing on /demo in the last 90 days"),
            Number("enterprise_visits_90d", "intent_pages", Count("enterprise-page visit", "enterprise-page visits", "in the last 90 days"), "Sessions landing on /enterprise in the last 90 days"),
            Number("senior_sessions_30d", "senior_engagement", Count(SeniorSession, SeniorSessions, "in the last 30 days"), "Sessions by senior contacts (C-Level, VP, Director) in the last 30 days"),
            Number("senior_sessions_90d", "senior_engagement", Count(SeniorSession, SeniorSessions, "in the last 90 days"), "Sessions by senior contacts in the last 90 days"),
            Number("engaged_contacts_90d", "web_engagement", Count("contact engaged on the website", "contacts engaged on the website", "in the last 90 days"),
                "Distinct contacts of the account with a session in the last 90 days"),
            Number("senior_engaged_contacts_90d", "senior_engagement", Count("senior contact engaged on the website", "senior contacts engaged on the website", "in the last 90 days"),
                "Distinct senior contacts with a session in the last 90 days"),
            Number("days_since_last_session", "web_engagement",
                FeaturePhrasing.DaysSince("days since the last web session", "Last web session from the account", "No web sessions from the account on record"),
                "Days since the account's last web session in the 90-day window; missing (unset) when there was none"),
        ]);

    private const string SeniorSession = "session by a senior contact (C-level, VP, Director)";
    private const string SeniorSessions = "sessions by senior contacts (C-level, VP, Director)";

    private static OpportunityFeature Number(string name, string family, FeaturePhrasing phrasing, string description) =>
        new(name, FeatureKind.Numeric, family, phrasing, description);

    private static OpportunityFeature Category(string name, string family, FeaturePhrasing phrasing, string description) =>
        new(name, FeatureKind.Categorical, family, phrasing, description);

    private static FeaturePhrasing Count(string one, string many, string period = "") => FeaturePhrasing.Count(one, many, period);

    private static FeaturePhrasing Sessions(string period) => FeaturePhrasing.Count("web session from the account", "web sessions from the account", period);
}
