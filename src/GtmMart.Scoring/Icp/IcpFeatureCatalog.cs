using GtmMart.Scoring.Features;

namespace GtmMart.Scoring.Icp;

/// <summary>
/// The account columns the ICP model may use, by their mart (snake_case) name. Fit features must be firmographic:
/// engagement and opportunity history are never allowed into the fit model.
/// </summary>
public static class IcpFeatureCatalog
{
    /// <summary>Derived firmographic: annual revenue / employee count (NaN when either is unknown).</summary>
    public const string RevenuePerEmployee = "revenue_per_employee";

    /// <summary>Engagement recency; a missing value (never seen) counts as <see cref="DaysSinceLastSessionCap"/>.</summary>
    public const string DaysSinceLastSession = "days_since_last_session";

    /// <summary>Cap on days since the last session (a 90-day window: never seen = long ago).</summary>
    public const float DaysSinceLastSessionCap = 180;

    private static readonly Dictionary<string, Func<AccountFeatureRow, string>> Categoricals = new(StringComparer.Ordinal)
    {
        ["industry"] = r => r.Industry,
        ["employee_band"] = r => r.EmployeeBand,
        ["region"] = r => r.Region,
        ["country"] = r => r.Country,
    };

    private static readonly Dictionary<string, Func<AccountFeatureRow, float>> FirmographicNumerics = new(StringComparer.Ordinal)
    {
        ["employee_count"] = r => r.EmployeeCount,
        ["annual_revenue_usd"] = r => r.AnnualRevenueUsd,
        [RevenuePerEmployee] = r => r.EmployeeCount > 0 && r.AnnualRevenueUsd > 0 ? r.AnnualRevenueUsd / r.EmployeeCount : float.NaN,
    };

    private static readonly Dictionary<string, Func<AccountFeatureRow, float>> BehaviourNumerics = new(StringComparer.Ordinal)
    {
        ["sessions_90d"] = r => r.Sessions90d,
        ["pageviews_90d"] = r => r.Pageviews90d,
        ["form_submissions_90d"] = r => r.FormSubmissions90d,
        ["pricing_visits_90d"] = r => r.PricingVisits90d,
        ["demo_visits_90d"] = r => r.DemoVisits90d,
        ["enterprise_visits_90d"] = r => r.EnterpriseVisits90d,
        ["engaged_contacts_90d"] = r => r.EngagedContacts90d,
        ["senior_engaged_contacts_90d"] = r => r.SeniorEngagedContacts90d,
        [DaysSinceLastSession] = r => float.IsNaN(r.DaysSinceLastSession) || r.DaysSinceLastSession > DaysSinceLastSessionCap
            ? DaysSinceLastSessionCap
            : r.DaysSinceLastSession,
    };

    /// <summary>Firmographic categorical columns allowed in the fit model.</summary>
    public static IReadOnlyCollection<string> FirmographicCategoricalNames => Categoricals.Keys;

    /// <summary>Firmographic numeric columns allowed in the fit model.</summary>
    public static IReadOnlyCollection<string> FirmographicNumericNames => FirmographicNumerics.Keys;

    /// <summary>Engagement columns allowed in the behaviour score.</summary>
    public static IReadOnlyCollection<string> BehaviourNames => BehaviourNumerics.Keys;

    /// <summary>A firmographic categorical accessor; throws for anything else.</summary>
    public static Func<AccountFeatureRow, string> Categorical(string name) =>
        Categoricals.TryGetValue(name, out var f) ? f
            : throw new ArgumentException($"'{name}' is not a firmographic categorical feature (allowed: {string.Join(", ", Categoricals.Keys)}).");

    /// <summary>A firmographic numeric accessor; throws for anything else (engagement and opportunity history included).</summary>
    public static Func<AccountFeatureRow, float> FirmographicNumeric(string name) =>
        FirmographicNumerics.TryGetValue(name, out var f) ? f
            : throw new ArgumentException($"'{name}' is not a firmographic numeric feature (allowed: {string.Join(", ", FirmographicNumerics.Keys)}).");

    /// <summary>An engagement accessor (missing counts read as 0 downstream); throws for anything else.</summary>
    public static Func<AccountFeatureRow, float> Behaviour(string name) =>
        BehaviourNumerics.TryGetValue(name, out var f) ? f
            : throw new ArgumentException($"'{name}' is not a behaviour feature (allowed: {string.Join(", ", BehaviourNumerics.Keys)}).");

    /// <summary>The feature in words, lower case: "industry", "employee band", "annual revenue".</summary>
    public static string Noun(string feature) => feature switch
    {
        "employee_band" => "employee band",
        "employee_count" => "employee count",
        "annual_revenue_usd" => "annual revenue",
        RevenuePerEmployee => "revenue per employee",
        _ => feature.Replace('_', ' '),
    };

    /// <summary>Whether the firmographic feature is a column of the account (not derived from others).</summary>
    public static bool IsColumn(string feature) => feature != RevenuePerEmployee;

    /// <summary>Normalised categorical value; null when unknown (empty, "Unknown", "N/A").</summary>
    public static string? CleanCategory(string? value)
    {
        var v = value?.Trim();
        return string.IsNullOrEmpty(v) || v.Equals("unknown", StringComparison.OrdinalIgnoreCase)
            || v.Equals("n/a", StringComparison.OrdinalIgnoreCase) || v.Equals("null", StringComparison.OrdinalIgnoreCase)
            ? null
            : v;
    }

    /// <summary>ln(1 + x) of a non-negative known value; NaN when unknown or not positive-or-zero.</summary>
    public static double LogValue(float value) =>
        float.IsNaN(value) || float.IsInfinity(value) || value < 0 ? double.NaN : Math.Log(1 + (double)value);
}
