using GtmMart.Scoring.Features;

namespace GtmMart.Tests.Opportunity;

/// <summary>One generated opportunity and the true win probability of the logistic model that drew its outcome.</summary>
public sealed record SyntheticOpportunity(OpportunityFeatureRow Row, double TrueProbability);

/// <summary>
/// Test data from a known logistic model: categorical effects, log-count engagement effects and a deal-size effect,
/// created over one year (so the time split is meaningful), about 90% closed.
/// </summary>
public static class SyntheticOpportunities
{
    private static readonly (string Name, double Effect)[] Channels =
        [("Partner", 0.7), ("Direct", 0.25), ("LinkedIn", 0.2), ("Organic", 0.15), ("Google Ads", 0), ("Meta", -0.45)];

    private static readonly (string Name, double Effect)[] Industries =
        [("Software", 0.55), ("Financial Services", 0.4), ("Manufacturing", -0.15), ("Retail", -0.45)];

    private static readonly (string Name, double Effect)[] Bands =
        [("1-49", -0.55), ("50-199", -0.1), ("200-999", 0.45), ("1000-4999", 0.35), ("5000+", -0.25)];

    private static readonly (string Name, double Effect)[] Regions = [("North America", 0.15), ("Europe", 0), ("APAC", -0.1)];

    public static List<SyntheticOpportunity> Generate(
        int count, int seed = 7, bool leakyAmount = false, bool constantFeature = false, bool allNaNFeature = false)
    {
        var rng = new Random(seed);
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var list = new List<SyntheticOpportunity>(count);
        for (var i = 0; i < count; i++)
        {
            var channel = Pick(rng, Channels);
            var industry = Pick(rng, Industries);
            var band = Pick(rng, Bands);
            var region = Pick(rng, Regions);
            var ownerRegion = rng.NextDouble() < 0.85 ? region : Pick(rng, Regions);
            var intent = Normal(rng);
            var sessions30 = Math.Floor(Math.Exp(0.8 + 0.9 * intent + 0.6 * Normal(rng)) - 1);
            sessions30 = Math.Max(0, sessions30);
            var sessions90 = sessions30 + Math.Max(0, Math.Floor(Math.Exp(1 + 0.8 * Normal(rng)) - 1));
            var demo = Binomial(rng, (int)sessions30, 0.25);
            var forms = Binomial(rng, (int)sessions30, 0.15);
            var amount = 25_000 * Math.Exp(0.6 * Normal(rng));

            var logit = -0.35 + channel.Effect + industry.Effect + band.Effect + region.Effect
                + 0.45 * Math.Log(1 + sessions30) + 0.1 * Math.Log(1 + sessions90)
                + 0.35 * Math.Log(1 + demo) + 0.3 * Math.Log(1 + forms)
                - 0.5 * Math.Log(amount / 25_000);
            var p = 1 / (1 + Math.Exp(-logit));
            var won = rng.NextDouble() < p;
            var closed = rng.NextDouble() < 0.9;

            var row = new OpportunityFeatureRow
            {
                OpportunityId = $"OPP{i:D6}",
                AccountId = $"ACC{rng.Next(count / 2 + 1):D6}",
                CreatedDate = start.AddDays(Math.Floor(365.0 * i / count)),
                Label = closed && won,
                IsClosed = closed,
                ["amount_usd"] = leakyAmount && closed && !won ? 0f : (float)Math.Round(amount),
                ["channel"] = channel.Name,
                ["is_paid_media"] = (float)(channel.Name is "Google Ads" or "Meta" or "LinkedIn" ? 1 : 0),
                ["owner_region"] = ownerRegion.Name,
                ["owner_id"] = $"U{rng.Next(40):D3}",
                ["industry"] = industry.Name,
                ["employee_band"] = band.Name,
                ["employee_count"] = (float)Math.Round(Math.Exp(2 + 6 * rng.NextDouble())),
                ["annual_revenue_usd"] = allNaNFeature ? float.NaN : (float)Math.Round(1e6 * Math.Exp(2 * Normal(rng))),
                ["account_region"] = region.Name,
                ["prior_opportunities"] = (float)(constantFeature ? 1 : rng.Next(4)),
                ["prior_won"] = (float)rng.Next(2),
                ["prior_lost"] = (float)rng.Next(2),
                ["sessions_7d"] = (float)Binomial(rng, (int)sessions30, 0.25),
                ["sessions_30d"] = (float)sessions30,
                ["sessions_90d"] = (float)sessions90,
                ["pageviews_30d"] = (float)(sessions30 * 3),
                ["pageviews_90d"] = (float)(sessions90 * 3),
                ["form_submissions_30d"] = (float)forms,
                ["form_submissions_90d"] = (float)forms,
                ["pricing_visits_30d"] = (float)Binomial(rng, (int)sessions30, 0.2),
                ["demo_visits_30d"] = (float)demo,
                ["enterprise_visits_30d"] = (float)Binomial(rng, (int)sessions30, 0.1),
                ["pricing_visits_90d"] = (float)Binomial(rng, (int)sessions90, 0.2),
                ["demo_visits_90d"] = (float)demo,
                ["enterprise_visits_90d"] = (float)Binomial(rng, (int)sessions90, 0.1),
                ["senior_sessions_30d"] = (float)Binomial(rng, (int)sessions30, 0.3),
                ["senior_sessions_90d"] = (float)Binomial(rng, (int)sessions90, 0.3),
                ["engaged_contacts_90d"] = (float)Math.Min(sessions90, 1 + rng.Next(5)),
                ["senior_engaged_contacts_90d"] = (float)Math.Min(sessions90, rng.Next(3)),
                ["days_since_last_session"] = (float)(sessions90 == 0 ? float.NaN : sessions30 > 0 ? rng.Next(30) : 30 + rng.Next(60)),
            };
            list.Add(new SyntheticOpportunity(row, p));
        }

        return list;
    }

    private static T Pick<T>(Random rng, T[] values) => values[rng.Next(values.Length)];

    private static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static int Binomial(Random rng, int n, double p)
    {
        var k = 0;
        for (var i = 0; i < n; i++)
        {
            k += rng.NextDouble() < p ? 1 : 0;
        }

        return k;
    }
}
