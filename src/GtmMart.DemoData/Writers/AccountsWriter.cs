using GtmMart.DemoData.Model;

namespace GtmMart.DemoData.Writers;

/// <summary>salesforce_accounts.csv: one row per account, firmographics only (intent stays hidden).</summary>
internal static class AccountsWriter
{
    public const string FileName = "salesforce_accounts.csv";

    public static long Write(GenerationPlan plan, AccountTable accounts, ProgressTracker progress)
    {
        var industries = Catalog.Industries.Select(i => CsvFormat.Utf8(i.Name)).ToArray();
        var regions = Catalog.Regions.Select(r => CsvFormat.Utf8(r.Name)).ToArray();
        var countries = Catalog.Regions.Select(r => r.Countries.Select(c => CsvFormat.Utf8(c.Name)).ToArray()).ToArray();

        using var csv = new CsvWriter(plan.RawPath(FileName));
        csv.WriteHeader("account_id", "account_name", "industry", "employee_count", "annual_revenue_usd", "country", "region", "created_date");
        for (var a = 0; a < accounts.Count; a++)
        {
            var region = accounts.Region[a];
            csv.Id("ACCT"u8, a + 1, plan.AccountIdWidth);
            csv.Field(AccountTable.Name(a));
            csv.Field(industries[accounts.Industry[a]]);
            csv.Field(accounts.Employees[a]);
            csv.Cents(accounts.RevenueUsd[a] * 100);
            csv.Field(countries[region][accounts.Country[a]]);
            csv.Field(regions[region]);
            csv.Date(DateOnly.FromDayNumber(accounts.CreatedDayNumber[a]));
            csv.EndRow();
            progress.Row(csv.Rows);
        }

        progress.Complete(csv.Rows);
        return csv.Rows;
    }
}
