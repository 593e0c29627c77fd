namespace GtmMart.Warehouse.Loading;

/// <summary>What an optional source or column brings: the features that stay constant (and are left out of training) without it.</summary>
/// <param name="Source">The source, or <c>source.column</c> for an optional column of a required source.</param>
/// <param name="Brings">What it adds, in words.</param>
/// <param name="Features">The feature-mart columns (opportunity or account features) that need it.</param>
public sealed record SourceFeatures(string Source, string Brings, IReadOnlyList<string> Features)
{
    /// <summary>Every optional source and column, as docs/RAW_DATA.md lists them (a test keeps the two in step).</summary>
    public static readonly IReadOnlyList<SourceFeatures> All =
    [
        new("crm_contacts",
            "links web sessions to accounts (user_id to account_id) and gives the contacts' job levels: without it no session belongs to an account, so every engagement feature is 0",
            ["sessions_7d", "sessions_30d", "sessions_90d", "pageviews_30d", "pageviews_90d", "form_submissions_30d", "form_submissions_90d",
             "pricing_visits_30d", "demo_visits_30d", "enterprise_visits_30d", "pricing_visits_90d", "demo_visits_90d", "enterprise_visits_90d",
             "senior_sessions_30d", "senior_sessions_90d", "engaged_contacts_90d", "senior_engaged_contacts_90d", "days_since_last_session"]),
        new("salesforce_accounts",
            "brings firmographics (industry, size, revenue, region): without it they are unknown for every account, and the ICP fit model cannot be trained",
            ["industry", "employee_band", "employee_count", "annual_revenue_usd", "account_region", "region", "country", "revenue_per_employee"]),
        new("salesforce_opportunities.close_date",
            "says when a deal closed: without it no earlier deal is known to have closed before a new one was created, so prior wins and losses are 0",
            ["prior_won", "prior_lost"]),
        new("salesforce_opportunities.owner_id",
            "names each deal's owner",
            ["owner_id"]),
    ];

    /// <summary>The optional source or column a feature needs, or null for a feature every load has.</summary>
    public static SourceFeatures? For(string feature) => All.FirstOrDefault(s => s.Features.Contains(feature, StringComparer.Ordinal));
}
