using GtmMart.DemoData.Model;
using GtmMart.DemoData.Writers;

namespace GtmMart.DemoData;

/// <summary>
/// Generates a deterministic, streamed demo data set: the five raw CSV sources GtmMart loads plus a ground-truth
/// file with the win probability each opportunity's outcome was drawn from. See README.md for the model.
/// </summary>
public static class DemoDataGenerator
{
    /// <summary>
    /// Writes ad_spend.csv, web_analytics.csv, salesforce_opportunities.csv, salesforce_accounts.csv and
    /// crm_contacts.csv into <see cref="GeneratorOptions.OutputDirectory"/>, and the ground truth to
    /// <see cref="GeneratorOptions.GroundTruthPath"/>. Existing files are overwritten.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range (the exception names it).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (files may be partial).</exception>
    public static GeneratorResult Generate(GeneratorOptions options, IProgress<GeneratorProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var plan = new GenerationPlan(options);
        ct.ThrowIfCancellationRequested();
        Directory.CreateDirectory(plan.OutputDirectory);

        var rows = new Dictionary<string, long>(StringComparer.Ordinal);

        var accounts = new AccountTable(plan);
        rows[AccountsWriter.FileName] = AccountsWriter.Write(plan, accounts, Tracker(progress, AccountsWriter.FileName, plan.Accounts, ct));

        var contacts = new ContactTable(plan, accounts);
        rows[ContactsWriter.FileName] = ContactsWriter.Write(plan, contacts, Tracker(progress, ContactsWriter.FileName, contacts.ContactCount, ct));

        var opportunities = new OpportunityPlan(plan, accounts);
        ct.ThrowIfCancellationRequested();

        var paidSessions = WebAnalyticsWriter.Write(
            plan, accounts, contacts, opportunities, Tracker(progress, WebAnalyticsWriter.FileName, plan.Sessions, ct), out var sessionRows);
        rows[WebAnalyticsWriter.FileName] = sessionRows;

        rows[AdSpendWriter.FileName] = AdSpendWriter.Write(
            plan, paidSessions, Tracker(progress, AdSpendWriter.FileName, (long)plan.Days * Catalog.Campaigns.Length, ct));

        rows[OpportunitiesWriter.FileName] = OpportunitiesWriter.Write(
            plan,
            accounts,
            opportunities,
            Tracker(progress, OpportunitiesWriter.FileName, plan.Opportunities, ct),
            new ProgressTracker(progress, "ground_truth", plan.Opportunities, ct));

        return new GeneratorResult(rows, plan.GroundTruthPath);
    }

    private static ProgressTracker Tracker(IProgress<GeneratorProgress>? progress, string fileName, long planned, CancellationToken ct) =>
        new(progress, Path.GetFileNameWithoutExtension(fileName), planned, ct);
}
