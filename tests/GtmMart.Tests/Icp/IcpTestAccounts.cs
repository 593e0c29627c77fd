using GtmMart.Scoring.Features;

namespace GtmMart.Tests.Icp;

/// <summary>
/// Synthetic accounts from a known ICP rule: per-deal win logit = industry + employee band + region effect
/// (Software / Financial Services, 200-4,999 employees, North America win most). Engagement is random and independent
/// of the win rule; about a quarter of the accounts have no closed opportunity (unlabelled).
/// </summary>
internal static class IcpTestAccounts
{
    public static readonly (string Name, double Effect)[] Industries =
        [("Software", 1.0), ("Financial Services", 0.6), ("Healthcare", 0.0), ("Retail", -0.6), ("Education", -1.0)];

    public static readonly (string Band, float Employees, double Effect)[] Bands =
        [("1-49", 25, -0.8), ("50-199", 110, -0.2), ("200-999", 450, 0.7), ("1000-4999", 2200, 0.4), ("5000+", 9000, -0.4)];

    public static readonly (string Name, double Effect)[] Regions = [("North America", 0.2), ("Europe", 0.0), ("APAC", -0.2)];

    public static double WinLogit(AccountFeatureRow a) =>
        -0.2 + Industries.Single(i => i.Name == a.Industry).Effect + Bands.Single(b => b.Band == a.EmployeeBand).Effect
        + Regions.Single(r => r.Name == a.Region).Effect;

    public static List<AccountFeatureRow> Build(int count, int seed = 7)
    {
#pragma warning disable CA5394 // test data
        var rng = new Random(seed);
        var rows = new List<AccountFeatureRow>(count);
        for (var i = 0; i < count; i++)
        {
            var industry = Industries[rng.Next(Industries.Length)];
            var band = Bands[rng.Next(Bands.Length)];
            var region = Regions[rng.Next(Regions.Length)];
            var employees = (float)Math.Round(band.Employees * Math.Exp((rng.NextDouble() - 0.5) * 0.8));
            var row = new AccountFeatureRow
            {
                AccountId = $"A{i:D5}",
                AccountName = $"Account {i}",
                Industry = industry.Name,
                EmployeeBand = band.Band,
                EmployeeCount = employees,
                AnnualRevenueUsd = (float)(employees * 150_000 * Math.Exp((rng.NextDouble() - 0.5) * 0.6)),
                Region = region.Name,
                Country = region.Name == "Europe" ? "DE" : region.Name == "APAC" ? "JP" : "US",
                Sessions90d = rng.Next(0, 60),
                Pageviews90d = rng.Next(0, 200),
                FormSubmissions90d = rng.Next(0, 6),
                PricingVisits90d = rng.Next(0, 8),
                DemoVisits90d = rng.Next(0, 5),
                EnterpriseVisits90d = rng.Next(0, 4),
                EngagedContacts90d = rng.Next(0, 6),
                SeniorEngagedContacts90d = rng.Next(0, 3),
                DaysSinceLastSession = rng.NextDouble() < 0.1 ? float.NaN : rng.Next(0, 90),
            };
            var closed = rng.NextDouble() < 0.25 ? 0 : rng.Next(1, 5);
            var p = 1 / (1 + Math.Exp(-WinLogit(row)));
            var won = 0;
            for (var d = 0; d < closed; d++)
            {
                won += rng.NextDouble() < p ? 1 : 0;
            }

            var open = rng.Next(0, 3);
            row.WonOpportunities = won;
            row.LostOpportunities = closed - won;
            row.OpenOpportunities = open;
            row.OpportunityCount = closed + open;
            row.WonRevenueUsd = won * 40_000f;
            row.AvgWonDealUsd = won > 0 ? 40_000f : float.NaN;
            row.WinRate = closed > 0 ? (float)won / closed : float.NaN;
            row.IcpLabel = won > 0;
            rows.Add(row);
        }
#pragma warning restore CA5394

        return rows;
    }

    /// <summary>The same accounts as the seed data would give: no accounts source, every firmographic unknown.</summary>
    public static List<AccountFeatureRow> WithoutFirmographics(IEnumerable<AccountFeatureRow> rows) =>
    [
        .. rows.Select(r => Copy(r, c =>
        {
            c.Industry = "Unknown";
            c.EmployeeBand = "Unknown";
            c.Region = "Unknown";
            c.Country = "";
            c.EmployeeCount = float.NaN;
            c.AnnualRevenueUsd = float.NaN;
        })),
    ];

    public static AccountFeatureRow Copy(AccountFeatureRow r, Action<AccountFeatureRow>? change = null)
    {
        var c = new AccountFeatureRow();
        foreach (var property in typeof(AccountFeatureRow).GetProperties())
        {
            property.SetValue(c, property.GetValue(r));
        }

        change?.Invoke(c);
        return c;
    }
}
