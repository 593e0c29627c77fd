using Microsoft.ML.Data;

namespace GtmMart.Scoring.Features;

/// <summary>
/// One row of <c>mart.mrt_account_features</c>: an account's firmographics, recent engagement and opportunity
/// history as of the mart's last day. The ICP label is "has at least one closed-won opportunity".
/// </summary>
public sealed class AccountFeatureRow
{
    [ColumnName("account_id")] public string AccountId { get; set; } = "";
    [ColumnName("account_name")] public string AccountName { get; set; } = "";
    [ColumnName("industry")] public string Industry { get; set; } = "";
    [ColumnName("employee_band")] public string EmployeeBand { get; set; } = "";
    [ColumnName("employee_count")] public float EmployeeCount { get; set; }
    [ColumnName("annual_revenue_usd")] public float AnnualRevenueUsd { get; set; }
    [ColumnName("region")] public string Region { get; set; } = "";
    [ColumnName("country")] public string Country { get; set; } = "";

    [ColumnName("sessions_90d")] public float Sessions90d { get; set; }
    [ColumnName("pageviews_90d")] public float Pageviews90d { get; set; }
    [ColumnName("form_submissions_90d")] public float FormSubmissions90d { get; set; }
    [ColumnName("pricing_visits_90d")] public float PricingVisits90d { get; set; }
    [ColumnName("demo_visits_90d")] public float DemoVisits90d { get; set; }
    [ColumnName("enterprise_visits_90d")] public float EnterpriseVisits90d { get; set; }
    [ColumnName("engaged_contacts_90d")] public float EngagedContacts90d { get; set; }
    [ColumnName("senior_engaged_contacts_90d")] public float SeniorEngagedContacts90d { get; set; }
    [ColumnName("days_since_last_session")] public float DaysSinceLastSession { get; set; }

    [ColumnName("opportunity_count")] public float OpportunityCount { get; set; }
    [ColumnName("open_opportunities")] public float OpenOpportunities { get; set; }
    [ColumnName("open_pipeline_usd")] public float OpenPipelineUsd { get; set; }
    [ColumnName("won_opportunities")] public float WonOpportunities { get; set; }
    [ColumnName("lost_opportunities")] public float LostOpportunities { get; set; }
    [ColumnName("won_revenue_usd")] public float WonRevenueUsd { get; set; }
    [ColumnName("win_rate")] public float WinRate { get; set; }
    [ColumnName("avg_won_deal_usd")] public float AvgWonDealUsd { get; set; }

    /// <summary>ICP label: the account has at least one closed-won opportunity.</summary>
    [ColumnName("icp_label")] public bool IcpLabel { get; set; }
}
