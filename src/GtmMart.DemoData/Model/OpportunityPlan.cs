using GtmMart.DemoData.Sampling;

namespace GtmMart.DemoData.Model;

/// <summary>
/// Opportunities planned before any web traffic is simulated (they cause the buying journeys), in created-date order.
/// Index i &lt; <see cref="GenerationPlan.Opportunities"/> is written as opportunity i + 1; later ones are created in
/// the <see cref="SeedRates.JourneyDays"/> after the window and only shape the window's last weeks of traffic.
/// Engagement counters are filled while sessions stream and feed <see cref="WinModel"/> afterwards.
/// </summary>
internal sealed class OpportunityPlan
{
    public OpportunityPlan(GenerationPlan plan, AccountTable accounts)
    {
        var count = plan.PlannedOpportunities;
        var written = plan.Opportunities;
        Count = count;
        Written = written;
        Account = new int[count];
        CreatedDay = new int[count];
        Source = new byte[count];
        OwnerRegion = new byte[count];
        Owner = new int[count];
        AmountCents = new long[count];
        CloseDay = new int[count];
        Proposal = new bool[count];
        JourneyStrength = new double[count];
        Sessions30 = new int[written];
        Sessions90 = new int[written];
        HighIntent90 = new int[written];
        Forms90 = new int[written];
        Senior90 = new int[written];

        var rng = new Rng(plan.Seed, RngStream.Opportunities);
        var accountPicker = new AliasTable(accounts.Count);
        accountPicker.Build(accounts.OpportunityWeight);
        var sourceCum = Rng.Cumulative(plan.SourceWeights);
        var days = plan.Days;
        var lastDay = days - 1;
        var regions = Catalog.Regions.Length;

        var calendar = new DailyVolume(plan.Seed, RngStream.OpportunityCalendar, days, SeedRates.DailyOpportunityNoise);
        DayStart = new int[days + SeedRates.JourneyDays + 1];
        var i = 0;
        for (var day = 0; day < days + SeedRates.JourneyDays; day++)
        {
            DayStart[day] = i;
            // Exact totals: noisy days inside the window, even days in the after-window period.
            var target = day < days
                ? calendar.EndOfDay(written, day)
                : written + (long)Math.Round((double)(count - written) * (day + 1 - days) / SeedRates.JourneyDays);
            for (; i < target && i < count; i++)
            {
                var a = accountPicker.Sample(rng);
                Account[i] = a;
                CreatedDay[i] = day;
                Source[i] = (byte)rng.Pick(sourceCum);

                var region = accounts.Region[a];
                if (rng.Chance(SeedRates.OwnRegionShare))
                {
                    OwnerRegion[i] = region;
                    Owner[i] = rng.Chance(SeedRates.AccountOwnerShare) ? accounts.Owner[a] : RandomOwner(plan, region, rng);
                }
                else
                {
                    var other = (byte)((region + 1 + rng.NextInt(regions - 1)) % regions);
                    OwnerRegion[i] = other;
                    Owner[i] = RandomOwner(plan, other, rng);
                }

                var band = Catalog.SizeBands[accounts.Band[a]];
                var amount = Math.Clamp(band.MedianDealUsd * rng.NextLogNormal(0.5), 2_000, 250_000);
                AmountCents[i] = (long)Math.Round(amount * 100);

                // Sales cycle: some deals stall (stay open whatever their age); the others close after 3 + Exp(42)
                // days, if that day is inside the window. Hence old deals are mostly closed, recent ones open.
                var stalled = rng.Chance(SeedRates.StalledShare);
                var cycle = SeedRates.MinCycleDays + (int)Math.Min(10_000, rng.NextExponential(SeedRates.MeanCycleDays));
                CloseDay[i] = !stalled && day + cycle <= lastDay ? day + cycle : -1;

                // Open deals move from Pipeline to Proposal as they age.
                var age = lastDay - day;
                Proposal[i] = rng.Chance(0.19 + (0.4 * Math.Min(1.0, age / 60.0)));

                // Journey strength ~ exp(0.8 * intent), mean about SeedRates.JourneyStrength over accounts.
                JourneyStrength[i] = SeedRates.JourneyStrength * Math.Exp((0.8 * accounts.Intent[a]) - 0.32);
            }
        }

        DayStart[^1] = i;
        JourneyCumulative = Rng.Cumulative(JourneyStrength);

        // Per-account index of written and planned opportunities, in created-date order (counting sort is stable).
        AccountStart = new int[accounts.Count + 1];
        for (var k = 0; k < count; k++)
        {
            AccountStart[Account[k] + 1]++;
        }

        for (var a = 0; a < accounts.Count; a++)
        {
            AccountStart[a + 1] += AccountStart[a];
        }

        ByAccount = new int[count];
        var next = AccountStart[..^1];
        for (var k = 0; k < count; k++)
        {
            ByAccount[next[Account[k]]++] = k;
        }
    }

    public int Count { get; }

    public int Written { get; }

    public int[] Account { get; }

    /// <summary>Day index (0 = Start) the opportunity is created.</summary>
    public int[] CreatedDay { get; }

    public byte[] Source { get; }

    public byte[] OwnerRegion { get; }

    public int[] Owner { get; }

    /// <summary>Deal size in cents (used by the win model even for Closed Lost, which is written as 0).</summary>
    public long[] AmountCents { get; }

    /// <summary>Close day index, or -1 while open at the end of the window.</summary>
    public int[] CloseDay { get; }

    /// <summary>Stage of an open deal: Proposal (true) or Pipeline.</summary>
    public bool[] Proposal { get; }

    public double[] JourneyStrength { get; }

    /// <summary>Prefix sums of <see cref="JourneyStrength"/> (entry i includes opportunity i).</summary>
    public double[] JourneyCumulative { get; }

    /// <summary>Opportunities created on day c are [DayStart[c], DayStart[c + 1]).</summary>
    public int[] DayStart { get; }

    /// <summary>Opportunities of account a: ByAccount[AccountStart[a] .. AccountStart[a + 1]), by created day.</summary>
    public int[] AccountStart { get; }

    public int[] ByAccount { get; }

    /// <summary>Sessions of the account's contacts in the 30 days before the created day (days c-30..c-1).</summary>
    public int[] Sessions30 { get; }

    /// <summary>Sessions of the account's contacts in the 90 days before the created day (days c-90..c-1).</summary>
    public int[] Sessions90 { get; }

    /// <summary>Of <see cref="Sessions90"/>: landing on /pricing, /demo or /enterprise.</summary>
    public int[] HighIntent90 { get; }

    /// <summary>Of <see cref="Sessions90"/>: form submissions (conversions &gt; 0).</summary>
    public int[] Forms90 { get; }

    /// <summary>Of <see cref="Sessions90"/>: made by C-Level, VP or Director contacts.</summary>
    public int[] Senior90 { get; }

    private static int RandomOwner(GenerationPlan plan, int region, Rng rng) =>
        plan.OwnerStart[region] + rng.NextInt(plan.OwnerStart[region + 1] - plan.OwnerStart[region]);
}
