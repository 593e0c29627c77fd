using GtmMart.DemoData.Model;
using GtmMart.DemoData.Sampling;

namespace GtmMart.DemoData.Writers;

/// <summary>
/// salesforce_opportunities.csv and the ground truth, written after the sessions so the win probability can use the
/// engagement that preceded each opportunity. Closed deals draw their outcome as Bernoulli(p).
/// </summary>
internal static class OpportunitiesWriter
{
    public const string FileName = "salesforce_opportunities.csv";

    public static readonly string[] Stages = ["Pipeline", "Proposal", "Closed Won", "Closed Lost"];

    public static long Write(
        GenerationPlan plan,
        AccountTable accounts,
        OpportunityPlan opportunities,
        ProgressTracker progress,
        ProgressTracker truthProgress)
    {
        var rng = new Rng(plan.Seed, RngStream.Outcomes);
        var stages = Stages.Select(CsvFormat.Utf8).ToArray();
        var sources = Catalog.OpportunitySources.Select(s => CsvFormat.Utf8(s.Name)).ToArray();
        var regions = Catalog.Regions.Select(r => CsvFormat.Utf8(r.Name)).ToArray();
        Directory.CreateDirectory(Path.GetDirectoryName(plan.GroundTruthPath)!);

        using var csv = new CsvWriter(plan.RawPath(FileName));
        using var truth = new CsvWriter(plan.GroundTruthPath);
        csv.WriteHeader("opportunity_id", "account_id", "created_date", "stage", "amount_usd", "source", "owner_region", "close_date", "owner_id");
        truth.WriteHeader("opportunity_id", "true_win_probability", "outcome_drawn");
        for (var o = 0; o < opportunities.Written; o++)
        {
            var p = WinModel.Probability(WinModel.Features(plan, accounts, opportunities, o), plan.WinSignal);
            var closeDay = opportunities.CloseDay[o];
            var closed = closeDay >= 0;
            var won = closed && rng.NextDouble() < p;
            var stage = closed ? (won ? 2 : 3) : (opportunities.Proposal[o] ? 1 : 0);

            csv.Id("OPP"u8, o + 1, plan.OpportunityIdWidth);
            csv.Id("ACCT"u8, opportunities.Account[o] + 1, plan.AccountIdWidth);
            csv.Date(plan.Start.AddDays(opportunities.CreatedDay[o]));
            csv.Field(stages[stage]);
            csv.Cents(stage == 3 ? 0 : opportunities.AmountCents[o]);
            csv.Field(sources[opportunities.Source[o]]);
            csv.Field(regions[opportunities.OwnerRegion[o]]);
            if (closed)
            {
                csv.Date(plan.Start.AddDays(closeDay));
            }
            else
            {
                csv.Empty();
            }

            csv.Id("OWN"u8, opportunities.Owner[o] + 1, plan.OwnerIdWidth);
            csv.EndRow();
            progress.Row(csv.Rows);

            truth.Id("OPP"u8, o + 1, plan.OpportunityIdWidth);
            truth.Fixed(p, 6);
            if (closed)
            {
                truth.Field(won ? 1 : 0);
            }
            else
            {
                truth.Empty();
            }

            truth.EndRow();
            truthProgress.Row(truth.Rows);
        }

        progress.Complete(csv.Rows);
        truthProgress.Complete(truth.Rows);
        return csv.Rows;
    }
}
