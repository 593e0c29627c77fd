using GtmMart.Contracts.V1;
using GtmMart.Scoring.Features;
using GtmMart.Scoring.Icp;

namespace GtmMart.Server.Services;

/// <summary>
/// An <see cref="InlineAccount"/> as the ICP scorer's <see cref="AccountFeatureRow"/>: its checks (finite, not
/// negative, strings at most 256 characters), the row (unset numbers NaN: an unknown firmographic, no engagement) and
/// the request field of each feature for warnings.
/// </summary>
public static class InlineAccountMapping
{
    private const int MaxText = 256;

    /// <summary>The request field of an ICP feature (mart column), e.g. "annual_revenue_usd" → "annual_revenue_usd_cents".</summary>
    public static string Field(string feature) => feature == "annual_revenue_usd" ? "annual_revenue_usd_cents" : feature;

    /// <summary>Field violations of <paramref name="account"/>, named under <paramref name="path"/>.</summary>
    public static void Validate(InlineAccount account, Violations violations, string path)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(violations);
        foreach (var (field, text) in Texts(account))
        {
            if (text.Length > MaxText)
            {
                violations.Add(path + field, $"must be at most {MaxText} characters");
            }
        }

        if (account.HasAnnualRevenueUsdCents && account.AnnualRevenueUsdCents < 0)
        {
            violations.Add(path + "annual_revenue_usd_cents", "must not be negative");
        }

        foreach (var (field, value) in Numbers(account))
        {
            if (value is not { } number)
            {
                continue;
            }

            if (!float.IsFinite(number))
            {
                violations.Add(path + field, "must be a finite number");
            }
            else if (number < 0)
            {
                violations.Add(path + field, "must not be negative");
            }
        }
    }

    /// <summary>The account's row: categories as given (trimmed), unset numbers NaN, cents as dollars.</summary>
    public static AccountFeatureRow ToRow(InlineAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var numbers = Numbers(account).ToDictionary(n => n.Field, n => n.Value ?? float.NaN, StringComparer.Ordinal);
        return new AccountFeatureRow
        {
            AccountId = account.AccountId,
            Industry = account.Industry.Trim(),
            EmployeeBand = account.EmployeeBand.Trim(),
            EmployeeCount = numbers["employee_count"],
            AnnualRevenueUsd = account.HasAnnualRevenueUsdCents ? (float)(account.AnnualRevenueUsdCents / 100.0) : float.NaN,
            Region = account.Region.Trim(),
            Country = account.Country.Trim(),
            Sessions90d = numbers["sessions_90d"],
            Pageviews90d = numbers["pageviews_90d"],
            FormSubmissions90d = numbers["form_submissions_90d"],
            PricingVisits90d = numbers["pricing_visits_90d"],
            DemoVisits90d = numbers["demo_visits_90d"],
            EnterpriseVisits90d = numbers["enterprise_visits_90d"],
            EngagedContacts90d = numbers["engaged_contacts_90d"],
            SeniorEngagedContacts90d = numbers["senior_engaged_contacts_90d"],
            DaysSinceLastSession = numbers["days_since_last_session"],
        };
    }

    /// <summary>The warnings of a score: what the fit model did not know, by request field.</summary>
    public static IEnumerable<(string Field, string Description)> Warnings(IEnumerable<IcpUnknownValue> unknown, string path) =>
        unknown.Select(u => (path + Field(u.Feature), u.Text));

    private static (string Field, string Text)[] Texts(InlineAccount a) =>
    [
        ("account_id", a.AccountId), ("industry", a.Industry), ("employee_band", a.EmployeeBand), ("region", a.Region), ("country", a.Country),
    ];

    private static (string Field, float? Value)[] Numbers(InlineAccount a) =>
    [
        ("employee_count", a.HasEmployeeCount ? a.EmployeeCount : null),
        ("sessions_90d", a.HasSessions90D ? a.Sessions90D : null),
        ("pageviews_90d", a.HasPageviews90D ? a.Pageviews90D : null),
        ("form_submissions_90d", a.HasFormSubmissions90D ? a.FormSubmissions90D : null),
        ("pricing_visits_90d", a.HasPricingVisits90D ? a.PricingVisits90D : null),
        ("demo_visits_90d", a.HasDemoVisits90D ? a.DemoVisits90D : null),
        ("enterprise_visits_90d", a.HasEnterpriseVisits90D ? a.EnterpriseVisits90D : null),
        ("engaged_contacts_90d", a.HasEngagedContacts90D ? a.EngagedContacts90D : null),
        ("senior_engaged_contacts_90d", a.HasSeniorEngagedContacts90D ? a.SeniorEngagedContacts90D : null),
        ("days_since_last_session", a.HasDaysSinceLastSession ? a.DaysSinceLastSession : null),
    ];
}
