namespace GtmMart.DemoData;

/// <summary>What to generate and where. Same options (including <see cref="Seed"/>) give byte-identical files.</summary>
public sealed record GeneratorOptions
{
    /// <summary>Largest supported <see cref="Accounts"/> (keeps every per-account array comfortably int-indexed).</summary>
    public const int MaxAccounts = 20_000_000;

    /// <summary>Largest supported <see cref="Days"/> (one hundred years).</summary>
    public const int MaxDays = 36_500;

    /// <summary>Folder the raw CSV files are written into (created when missing).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Number of accounts; opportunities, contacts and (by default) sessions scale with it.</summary>
    public int Accounts { get; init; } = 500;

    /// <summary>Seed of every random stream.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>First day of the simulated window.</summary>
    public DateOnly Start { get; init; } = new(2025, 1, 1);

    /// <summary>Length of the window in days (the last day is <c>Start + Days - 1</c>, the "as of" day of the CRM snapshot).</summary>
    public int Days { get; init; } = 270;

    /// <summary>Total web sessions; default derived from <see cref="Accounts"/> (about 26 per account per 90 days, like the seed).</summary>
    public long? Sessions { get; init; }

    /// <summary>
    /// The win model's shape: <see cref="WinSignal.Additive"/> (default, a sum of per-feature effects a logistic
    /// regression can learn exactly) or <see cref="WinSignal.Interaction"/> (plus an industry × company size term).
    /// </summary>
    public WinSignal WinSignal { get; init; } = WinSignal.Additive;

    /// <summary>Where the ground truth goes; default <c>&lt;OutputDirectory&gt;/ground_truth/opportunity_truth.csv</c>.</summary>
    public string? GroundTruthPath { get; init; }

    /// <summary>
    /// Opportunity source (channel) mix by name (<c>Google Ads</c>, <c>Organic</c>, <c>LinkedIn</c>, <c>Meta</c>,
    /// <c>Direct</c>, <c>Partner</c>), relative weights; unnamed sources get 0. Null: the seed's mix. A world with
    /// another mix is how drift monitoring is tested.
    /// </summary>
    public IReadOnlyDictionary<string, double>? SourceMix { get; init; }

    /// <summary>
    /// Account employee-band mix by band name (<c>1-49</c>, <c>50-199</c>, <c>200-999</c>, <c>1000-4999</c>,
    /// <c>5000+</c>), relative weights; unnamed bands get 0. Null: the seed's mix. Deal amounts and contacts follow the band.
    /// </summary>
    public IReadOnlyDictionary<string, double>? EmployeeBandMix { get; init; }

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(OutputDirectory))
        {
            throw new ArgumentException("OutputDirectory must be a non-empty path.", nameof(OutputDirectory));
        }

        if (Accounts is < 1 or > MaxAccounts)
        {
            throw new ArgumentException($"Accounts must be between 1 and {MaxAccounts:N0} (was {Accounts}).", nameof(Accounts));
        }

        if (Days is < 1 or > MaxDays)
        {
            throw new ArgumentException($"Days must be between 1 and {MaxDays:N0} (was {Days}).", nameof(Days));
        }

        if (Sessions is < 0)
        {
            throw new ArgumentException($"Sessions must be >= 0 (was {Sessions}).", nameof(Sessions));
        }

        if (Start.DayNumber < 4_000 || Start.DayNumber + (long)Days + 400 > DateOnly.MaxValue.DayNumber)
        {
            throw new ArgumentException($"Start {Start:yyyy-MM-dd} plus {Days} days is outside the supported calendar.", nameof(Start));
        }

        if (!Enum.IsDefined(WinSignal))
        {
            throw new ArgumentException($"WinSignal {WinSignal} is not Additive or Interaction.", nameof(WinSignal));
        }

        CheckMix(SourceMix, Model.Catalog.OpportunitySources.Select(s => s.Name), nameof(SourceMix));
        CheckMix(EmployeeBandMix, Model.Catalog.SizeBands.Select(b => b.Name), nameof(EmployeeBandMix));

        if (GroundTruthPath is not null && string.IsNullOrWhiteSpace(GroundTruthPath))
        {
            throw new ArgumentException("GroundTruthPath must be null (default location) or a non-empty path.", nameof(GroundTruthPath));
        }
    }

    /// <summary>The weights of <paramref name="names"/> from <paramref name="mix"/>, or <paramref name="defaults"/> when there is no mix.</summary>
    internal static double[] Weights(IReadOnlyDictionary<string, double>? mix, IEnumerable<string> names, IEnumerable<double> defaults) =>
        mix is null ? [.. defaults] : [.. names.Select(n => mix.GetValueOrDefault(n))];

    private static void CheckMix(IReadOnlyDictionary<string, double>? mix, IEnumerable<string> names, string option)
    {
        if (mix is null)
        {
            return;
        }

        var known = names.ToList();
        foreach (var (name, weight) in mix)
        {
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                throw new ArgumentException($"{option}: '{name}' is not one of {string.Join(", ", known)}.", option);
            }

            if (!double.IsFinite(weight) || weight < 0)
            {
                throw new ArgumentException($"{option}: the weight of '{name}' must be a finite number >= 0 (was {weight}).", option);
            }
        }

        if (mix.Values.Sum() <= 0)
        {
            throw new ArgumentException($"{option}: at least one weight must be above 0.", option);
        }
    }
}

/// <summary>The shape of the demo world's win model (src/GtmMart.DemoData/README.md).</summary>
public enum WinSignal
{
    /// <summary>Log-odds of winning are a sum of per-feature effects (plus the ICP bonus).</summary>
    Additive,

    /// <summary>As <see cref="Additive"/>, plus an interaction of industry and company size (a non-linear signal).</summary>
    Interaction,
}

/// <summary>Outcome of a run.</summary>
/// <param name="RowsPerFile">Data rows (header excluded) per raw file name, e.g. <c>web_analytics.csv</c>. The ground truth is not listed: it has one row per opportunity.</param>
/// <param name="GroundTruthPath">Full path of the ground-truth file.</param>
public sealed record GeneratorResult(IReadOnlyDictionary<string, long> RowsPerFile, string GroundTruthPath);

/// <summary>Progress of one output: reported about every 100,000 rows and when the source is complete.</summary>
/// <param name="Source">File name without extension, e.g. <c>web_analytics</c>, or <c>ground_truth</c>.</param>
public sealed record GeneratorProgress(string Source, long RowsWritten, long RowsPlanned);
