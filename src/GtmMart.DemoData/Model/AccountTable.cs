using GtmMart.DemoData.Sampling;

namespace GtmMart.DemoData.Model;

/// <summary>
/// Accounts as parallel arrays (O(accounts) memory): firmographics, owner and the latent buying intent that drives
/// how often the account opens opportunities and how much its contacts browse before doing so.
/// </summary>
internal sealed class AccountTable
{
    private static readonly string[] NameHeads =
    [
        "North", "Blue", "Silver", "Bright", "Iron", "Green", "Red", "Clear", "Swift", "Stone",
        "Golden", "Summit", "Cedar", "Harbor", "Maple", "Nova", "Quantum", "Vertex", "Atlas", "Pioneer",
        "Crystal", "Falcon", "Granite", "Horizon", "Lumen", "Meridian", "Oak", "Polar", "River", "Sky",
    ];

    private static readonly string[] NameTails =
    [
        "wind", "haven", "field", "peak", "bridge", "gate", "point", "wave", "forge", "line",
        "brook", "light", "path", "crest", "works", "ridge", "spark", "vale", "star", "port",
        "wood", "bay", "shore", "leaf", "core", "grid", "loop", "mark", "sphere", "view",
    ];

    private static readonly string[] NameSuffixes =
    [
        "Analytics", "Systems", "Labs", "Group", "Holdings", "Technologies", "Partners", "Solutions",
        "Industries", "Networks", "Logistics", "Dynamics", "Ventures", "Media", "Works", "Capital",
    ];

    public AccountTable(GenerationPlan plan)
    {
        var n = plan.Accounts;
        Count = n;
        Industry = new byte[n];
        Band = new byte[n];
        Region = new byte[n];
        Country = new byte[n];
        Employees = new int[n];
        RevenueUsd = new long[n];
        CreatedDayNumber = new int[n];
        Owner = new int[n];
        Intent = new double[n];
        OpportunityWeight = new double[n];

        var rng = new Rng(plan.Seed, RngStream.Accounts);
        var industryCum = Rng.Cumulative([.. Catalog.Industries.Select(i => i.Share)]);
        var bandCum = Rng.Cumulative(plan.BandWeights);
        var regionCum = Rng.Cumulative([.. Catalog.Regions.Select(r => r.Share)]);
        var countryCum = Catalog.Regions.Select(r => Rng.Cumulative([.. r.Countries.Select(c => c.Share)])).ToArray();
        var startDay = plan.Start.DayNumber;

        for (var a = 0; a < n; a++)
        {
            var industry = rng.Pick(industryCum);
            var band = rng.Pick(bandCum);
            var region = rng.Pick(regionCum);
            Industry[a] = (byte)industry;
            Band[a] = (byte)band;
            Region[a] = (byte)region;
            Country[a] = (byte)rng.Pick(countryCum[region]);

            var sizeBand = Catalog.SizeBands[band];
            var employees = (int)Math.Exp(Math.Log(sizeBand.Min) + (rng.NextDouble() * (Math.Log(sizeBand.Max) - Math.Log(sizeBand.Min))));
            Employees[a] = Math.Clamp(employees, sizeBand.Min, sizeBand.Max - 1);

            // Revenue = employees x industry revenue per employee x company-specific efficiency (log-sd 0.35),
            // rounded to thousands of dollars.
            var revenue = Employees[a] * Catalog.Industries[industry].RevenuePerEmployee * rng.NextLogNormal(0.35);
            RevenueUsd[a] = Math.Max(1_000, (long)Math.Round(revenue / 1_000) * 1_000);

            CreatedDayNumber[a] = startDay - 30 - rng.NextInt(6 * 365);
            var ownerFirst = plan.OwnerStart[region];
            Owner[a] = ownerFirst + rng.NextInt(plan.OwnerStart[region + 1] - ownerFirst);

            // Latent buying intent: never written, it drives opportunity frequency, journey strength and
            // (weakly) the win probability.
            var intent = rng.NextGaussian();
            Intent[a] = intent;
            var icpBoost = IsIcp(a) ? 1.5 : 1.0;
            OpportunityWeight[a] = Math.Exp(0.5 * intent) * icpBoost * (0.6 + (0.2 * band));
        }
    }

    public int Count { get; }

    public byte[] Industry { get; }

    public byte[] Band { get; }

    public byte[] Region { get; }

    public byte[] Country { get; }

    public int[] Employees { get; }

    public long[] RevenueUsd { get; }

    public int[] CreatedDayNumber { get; }

    /// <summary>Owner index (0-based) of the account; owners are partitioned by region.</summary>
    public int[] Owner { get; }

    /// <summary>Latent intent ~ N(0, 1), not written.</summary>
    public double[] Intent { get; }

    /// <summary>Relative rate at which the account opens opportunities.</summary>
    public double[] OpportunityWeight { get; }

    /// <summary>Ideal customer profile: Software or Financial Services with 200-4,999 employees.</summary>
    public bool IsIcp(int account) =>
        Catalog.Industries[Industry[account]].Icp && Catalog.SizeBands[Band[account]].Icp;

    /// <summary>Deterministic, unique account name: a permutation of head x tail x suffix, then a counter.</summary>
    public static string Name(int account)
    {
        var combinations = NameHeads.Length * NameTails.Length * NameSuffixes.Length;
        var k = (int)((account * 7919L) % combinations);
        var round = account / combinations;
        var head = NameHeads[k % NameHeads.Length];
        var tail = NameTails[k / NameHeads.Length % NameTails.Length];
        var suffix = NameSuffixes[k / (NameHeads.Length * NameTails.Length)];
        return round == 0 ? $"{head}{tail} {suffix}" : $"{head}{tail} {suffix} {round + 1}";
    }
}
