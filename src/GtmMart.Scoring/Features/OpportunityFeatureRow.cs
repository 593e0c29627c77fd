using Microsoft.ML.Data;

namespace GtmMart.Scoring.Features;

/// <summary>
/// One row of <c>mart.mrt_opportunity_features</c>: what was known about an opportunity on its created date.
/// Column names are the mart's (snake_case); numeric features are float (NaN when unknown), categoricals strings.
/// </summary>
public sealed class OpportunityFeatureRow
{
    [ColumnName("opportunity_id")] public string OpportunityId { get; set; } = "";
    [ColumnName("account_id")] public string AccountId { get; set; } = "";
    [ColumnName("created_date")] public DateTime CreatedDate { get; set; }

    /// <summary>True when the opportunity closed won; only meaningful when <see cref="IsClosed"/>.</summary>
    [ColumnName("label_won")] public bool Label { get; set; }
    [ColumnName("is_closed")] public bool IsClosed { get; set; }

    [ColumnName("amount_usd")] public float AmountUsd { get; set; }
    [ColumnName("channel")] public string Channel { get; set; } = "";
    [ColumnName("is_paid_media")] public float IsPaidMedia { get; set; }
    [ColumnName("owner_region")] public string OwnerRegion { get; set; } = "";
    [ColumnName("owner_id")] public string OwnerId { get; set; } = "";

    [ColumnName("industry")] public string Industry { get; set; } = "";
    [ColumnName("employee_band")] public string EmployeeBand { get; set; } = "";
    [ColumnName("employee_count")] public float EmployeeCount { get; set; }
    [ColumnName("annual_revenue_usd")] public float AnnualRevenueUsd { get; set; }
    [ColumnName("account_region")] public string AccountRegion { get; set; } = "";

    [ColumnName("prior_opportunities")] public float PriorOpportunities { get; set; }
    [ColumnName("prior_won")] public float PriorWon { get; set; }
    [ColumnName("prior_lost")] public float PriorLost { get; set; }

    [ColumnName("sessions_7d")] public float Sessions7d { get; set; }
    [ColumnName("sessions_30d")] public float Sessions30d { get; set; }
    [ColumnName("sessions_90d")] public float Sessions90d { get; set; }
    [ColumnName("pageviews_30d")] public float Pageviews30d { get; set; }
    [ColumnName("pageviews_90d")] public float Pageviews90d { get; set; }
    [ColumnName("form_submissions_30d")] public float FormSubmissions30d { get; set; }
    [ColumnName("form_submissions_90d")] public float FormSubmissions90d { get; set; }
    [ColumnName("pricing_visits_30d")] public float PricingVisits30d { get; set; }
    [ColumnName("demo_visits_30d")] public float DemoVisits30d { get; set; }
    [ColumnName("enterprise_visits_30d")] public float EnterpriseVisits30d { get; set; }
    [ColumnName("pricing_visits_90d")] public float PricingVisits90d { get; set; }
    [ColumnName("demo_visits_90d")] public float DemoVisits90d { get; set; }
    [ColumnName("enterprise_visits_90d")] public float EnterpriseVisits90d { get; set; }
    [ColumnName("senior_sessions_30d")] public float SeniorSessions30d { get; set; }
    [ColumnName("senior_sessions_90d")] public float SeniorSessions90d { get; set; }
    [ColumnName("engaged_contacts_90d")] public float EngagedContacts90d { get; set; }
    [ColumnName("senior_engaged_contacts_90d")] public float SeniorEngagedContacts90d { get; set; }
    [ColumnName("days_since_last_session")] public float DaysSinceLastSession { get; set; }
}
