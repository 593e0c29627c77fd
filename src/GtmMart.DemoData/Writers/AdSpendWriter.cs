using GtmMart.DemoData.Model;
using GtmMart.DemoData.Sampling;

namespace GtmMart.DemoData.Writers;

/// <summary>
/// ad_spend.csv: one row per campaign per day. Clicks scale with the campaign's sessions that day (half the actual
/// count, half the expected one, times a log-normal day effect) at the seed's ~747 clicks per tracked session, and
/// never fall below the actual sessions. CTR and CPC follow the seed's spread: CTR 5%-20% (median ~8%), CPC
/// $0.20-$1.00 (median ~$0.33).
/// </summary>
internal static class AdSpendWriter
{
    public const string FileName = "ad_spend.csv";

    public static long Write(GenerationPlan plan, int[] paidSessions, ProgressTracker progress)
    {
        var rng = new Rng(plan.Seed, RngStream.AdSpend);
        var labels = new Labels(plan.Start);
        var campaigns = Catalog.Campaigns;
        Span<byte> date = stackalloc byte[10];
        var sessionsPerDay = (double)plan.Sessions / plan.Days;

        using var csv = new CsvWriter(plan.RawPath(FileName));
        csv.WriteHeader("date", "campaign_id", "channel", "utm_source", "utm_campaign", "spend_usd", "clicks", "impressions");
        for (var day = 0; day < plan.Days; day++)
        {
            CsvFormat.WriteDate(plan.Start.AddDays(day), date);
            var quarter = labels.Quarter(day);
            for (var c = 0; c < campaigns.Length; c++)
            {
                var actual = paidSessions[(day * campaigns.Length) + c];
                var expected = sessionsPerDay * campaigns[c].SessionShare;
                var dayEffect = Math.Exp((0.5 * rng.NextGaussian()) - 0.125);
                var clicks = (long)Math.Round(0.5 * (actual + expected) * SeedRates.ClicksPerPaidSession * dayEffect);
                clicks = Math.Max(Math.Max(1, actual), clicks);
                var ctr = Math.Min(0.20, 0.05 * Math.Exp(Math.Abs(0.65 * rng.NextGaussian())));
                var impressions = Math.Max(clicks, (long)Math.Round(clicks / ctr));
                var cpc = Math.Min(1.00, 0.20 * Math.Exp(Math.Abs(0.55 * rng.NextGaussian())));
                var spendCents = Math.Max(1, (long)Math.Round(clicks * cpc * 100));

                csv.Field(date);
                csv.Field(labels.CampaignIds[(quarter * campaigns.Length) + c]);
                csv.Field(labels.Channels[c]);
                csv.Field(labels.UtmSources[c]);
                csv.Field(labels.Slugs[(quarter * campaigns.Length) + c]);
                csv.Cents(spendCents);
                csv.Field(clicks);
                csv.Field(impressions);
                csv.EndRow();
                progress.Row(csv.Rows);
            }
        }

        progress.Complete(csv.Rows);
        return csv.Rows;
    }
}
