using System.Globalization;

namespace GtmMart.DemoData.Model;

/// <summary>Volumes, id widths and paths derived from validated options.</summary>
internal sealed class GenerationPlan
{
    public GenerationPlan(GeneratorOptions options)
    {
        options.Validate();
        Seed = options.Seed;
        Accounts = options.Accounts;
        Days = options.Days;
        Start = options.Start;
        WinSignal = options.WinSignal;
        SourceWeights = GeneratorOptions.Weights(options.SourceMix, Catalog.OpportunitySources.Select(s => s.Name), Catalog.OpportunitySources.Select(s => s.Share));
        BandWeights = GeneratorOptions.Weights(options.EmployeeBandMix, Catalog.SizeBands.Select(b => b.Name), Catalog.SizeBands.Select(b => b.Share));
        OutputDirectory = Path.GetFullPath(options.OutputDirectory);
        GroundTruthPath = Path.GetFullPath(options.GroundTruthPath ?? Path.Combine(OutputDirectory, "ground_truth", "opportunity_truth.csv"));

        var defaultSessions = (long)Math.Round(SeedRates.SessionsPerAccountDay * Accounts * Days);
        Sessions = options.Sessions ?? defaultSessions;

        // Engagement counts feed the win model per "seed-like" traffic level, so asking for more sessions
        // does not by itself make every deal easier to win.
        SessionScale = Sessions == 0 ? 1.0 : (SeedRates.SessionsPerAccountDay * Accounts * Days) / Sessions;

        var opportunities = Math.Round(SeedRates.OpportunitiesPerAccountDay * Accounts * Days);
        var withFuture = Math.Round(SeedRates.OpportunitiesPerAccountDay * Accounts * (Days + SeedRates.JourneyDays));
        if (withFuture > int.MaxValue / 4)
        {
            throw new ArgumentException($"Accounts x Days is too large ({Accounts} x {Days}): over {int.MaxValue / 4:N0} opportunities.", nameof(options));
        }

        Opportunities = (int)opportunities;
        PlannedOpportunities = (int)withFuture;

        var owners = 0;
        OwnerStart = new int[Catalog.Regions.Length + 1];
        for (var r = 0; r < Catalog.Regions.Length; r++)
        {
            OwnerStart[r] = owners;
            owners += Math.Max(2, (int)Math.Ceiling(Accounts * Catalog.Regions[r].Share / SeedRates.AccountsPerOwner));
        }

        OwnerStart[^1] = owners;
        Owners = owners;

        AccountIdWidth = Width(Accounts, 6);
        OpportunityIdWidth = Width(Opportunities, 7);
        SessionIdWidth = Width(Sessions, 9);
        OwnerIdWidth = Width(Owners, 3);
    }

    public int Seed { get; }

    /// <summary>Opportunity source weights in <see cref="Catalog.OpportunitySources"/> order (the seed's shares unless the options set a mix).</summary>
    public double[] SourceWeights { get; }

    /// <summary>Account employee-band weights in <see cref="Catalog.SizeBands"/> order.</summary>
    public double[] BandWeights { get; }

    public int Accounts { get; }

    public int Days { get; }

    public DateOnly Start { get; }

    public WinSignal WinSignal { get; }

    public string OutputDirectory { get; }

    public string GroundTruthPath { get; }

    public long Sessions { get; }

    public double SessionScale { get; }

    /// <summary>Opportunities created inside the window (written).</summary>
    public int Opportunities { get; }

    /// <summary>Opportunities including those created in the <see cref="SeedRates.JourneyDays"/> after the window: their
    /// buying journeys already show in the window's web traffic, but they are not written.</summary>
    public int PlannedOpportunities { get; }

    public int Owners { get; }

    /// <summary>Owner index ranges per region: owners of region r are [OwnerStart[r], OwnerStart[r + 1]).</summary>
    public int[] OwnerStart { get; }

    public int AccountIdWidth { get; }

    public int OpportunityIdWidth { get; }

    public int SessionIdWidth { get; }

    public int OwnerIdWidth { get; }

    /// <summary>Digits needed for <paramref name="count"/>, at least <paramref name="minimum"/>.</summary>
    public static int Width(long count, int minimum) =>
        Math.Max(minimum, Math.Max(1, count).ToString(CultureInfo.InvariantCulture).Length);

    public string RawPath(string fileName) => Path.Combine(OutputDirectory, fileName);
}
