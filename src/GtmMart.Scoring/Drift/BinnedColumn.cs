using System.Text.Json.Serialization;

namespace GtmMart.Scoring.Drift;

/// <summary>What a binned column is: a numeric feature, a categorical feature or the model's score.</summary>
public enum DriftColumnKind
{
    Numeric,
    Categorical,
    Score,
}

/// <summary>
/// One column's reference distribution, binned: the bins are fixed at training time and every scoring run counts its
/// population into the same bins.
/// <list type="bullet">
/// <item>Numeric features and the score: deciles of the reference (nearest rank), ties merged, so bin <c>i</c> holds
/// values in <c>(Edges[i-1], Edges[i]]</c> and the last bin everything above the last edge (values outside the
/// reference's range fall in the first or last bin). Features (not the score) have one more bin for missing values.</item>
/// <item>Categorical features: one bin per category holding at least <see cref="MinCategoryShare"/> of the reference
/// (at most <see cref="MaxCategories"/>), then "other/unseen" (rarer categories and any value the reference never
/// held), then "missing" (empty).</item>
/// </list>
/// </summary>
public sealed record BinnedColumn
{
    public const int Quantiles = 10;
    public const double MinCategoryShare = 0.01;
    public const int MaxCategories = 30;
    public const string OtherBin = "other/unseen";
    public const string MissingBin = "missing";

    public required string Name { get; init; }

    public required DriftColumnKind Kind { get; init; }

    /// <summary>Upper edges of the value bins (numeric and score); empty for a categorical column.</summary>
    public IReadOnlyList<double> Edges { get; init; } = [];

    /// <summary>The categories with their own bin (categorical); empty otherwise.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Reference rows per bin, in bin order (see <see cref="Labels"/>).</summary>
    public required IReadOnlyList<long> Counts { get; init; }

    /// <summary>Reference rows counted (every row, missing ones included).</summary>
    [JsonIgnore]
    public long Rows => Counts.Sum();

    /// <summary>Number of bins.</summary>
    [JsonIgnore]
    public int BinCount => Kind switch
    {
        DriftColumnKind.Categorical => Categories.Count + 2,
        DriftColumnKind.Numeric => Edges.Count + 2,
        _ => Edges.Count + 1,
    };

    /// <summary>Each bin in words: <c>≤ 3</c>, <c>3 – 7</c>, <c>&gt; 12</c>, a category, <c>other/unseen</c>, <c>missing</c>.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Labels => Kind == DriftColumnKind.Categorical
        ? [.. Categories, OtherBin, MissingBin]
        : [.. RangeLabels(), .. Kind == DriftColumnKind.Numeric ? new[] { MissingBin } : []];

    /// <summary>Bins a numeric feature's reference values (NaN is missing).</summary>
    public static BinnedColumn Numeric(string name, IEnumerable<double> values, DriftColumnKind kind = DriftColumnKind.Numeric)
    {
        ArgumentNullException.ThrowIfNull(values);
        var all = values.ToList();
        var present = all.Where(double.IsFinite).Order().ToArray();
        var edges = new List<double>();
        for (var q = 1; q < Quantiles && present.Length > 0; q++)
        {
            // Nearest rank: the smallest value with at least q/10 of the values at or below it.
            var rank = (int)Math.Ceiling(q * present.Length / (double)Quantiles);
            var edge = present[Math.Clamp(rank - 1, 0, present.Length - 1)];
            if (edges.Count == 0 || edge > edges[^1])
            {
                edges.Add(edge);
            }
        }

        // An edge at the maximum would leave the last bin empty.
        if (edges.Count > 0 && edges[^1] >= present[^1])
        {
            edges.RemoveAt(edges.Count - 1);
        }

        var column = new BinnedColumn { Name = name, Kind = kind, Edges = edges, Counts = [] };
        return column with { Counts = column.Count(all) };
    }

    /// <summary>Bins a categorical feature's reference values ("" or null is missing).</summary>
    public static BinnedColumn Categorical(string name, IEnumerable<string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var all = values.Select(v => v ?? "").ToList();
        var present = all.Where(v => v.Length > 0).ToList();
        var categories = present
            .GroupBy(v => v, StringComparer.Ordinal)
            .Select(g => (g.Key, Count: g.LongCount()))
            .Where(g => g.Count >= MinCategoryShare * present.Count)
            .OrderByDescending(g => g.Count).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(MaxCategories)
            .Select(g => g.Key)
            .ToList();
        var column = new BinnedColumn { Name = name, Kind = DriftColumnKind.Categorical, Categories = categories, Counts = [] };
        return column with { Counts = column.Count(all) };
    }

    /// <summary>Counts numeric values into this column's bins.</summary>
    public long[] Count(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Count(values as IReadOnlyList<double> ?? [.. values], value => value);
    }

    /// <summary>
    /// Counts a numeric column of <paramref name="rows"/>, read by <paramref name="value"/>, into this column's bins:
    /// one loop over the rows (a scoring run counts every feature of every scored row; the value overloads above read
    /// their values through it).
    /// </summary>
    public long[] Count<T>(IReadOnlyList<T> rows, Func<T, double> value)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(value);
        var counts = new long[BinCount];
        var edges = Edges.ToArray();
        for (var i = 0; i < rows.Count; i++)
        {
            counts[Bin(edges, value(rows[i]))]++;
        }

        return counts;
    }

    /// <summary>Counts categorical values into this column's bins.</summary>
    public long[] Count(IEnumerable<string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Count(values as IReadOnlyList<string?> ?? [.. values], value => value);
    }

    /// <summary>Counts a categorical column of <paramref name="rows"/>, read by <paramref name="value"/>, in one loop (as above).</summary>
    public long[] Count<T>(IReadOnlyList<T> rows, Func<T, string?> value)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(value);
        var bin = CategoryBins();
        var counts = new long[BinCount];
        for (var i = 0; i < rows.Count; i++)
        {
            counts[bin(value(rows[i]))]++;
        }

        return counts;
    }

    /// <summary>A category's bin: its own, then "other/unseen", then "missing" (empty).</summary>
    private Func<string?, int> CategoryBins()
    {
        var index = Categories.Select((c, i) => KeyValuePair.Create(c, i)).ToDictionary(StringComparer.Ordinal);
        var other = Categories.Count;
        return value => string.IsNullOrEmpty(value) ? other + 1 : index.TryGetValue(value, out var i) ? i : other;
    }

    /// <summary>The first bin whose upper edge is at least the value (the last for anything above); missing values (numeric features) in the extra bin.</summary>
    private int Bin(double[] edges, double value)
    {
        if (!double.IsFinite(value))
        {
            return Kind == DriftColumnKind.Numeric ? edges.Length + 1 : throw new ArgumentException($"{Name}: a score cannot be missing");
        }

        for (var i = 0; i < edges.Length; i++)
        {
            if (value <= edges[i])
            {
                return i;
            }
        }

        return edges.Length;
    }

    private IEnumerable<string> RangeLabels()
    {
        if (Edges.Count == 0)
        {
            yield return "all values";
            yield break;
        }

        yield return FormattableString.Invariant($"≤ {Edges[0]:G4}");
        for (var i = 1; i < Edges.Count; i++)
        {
            yield return FormattableString.Invariant($"{Edges[i - 1]:G4} – {Edges[i]:G4}");
        }

        yield return FormattableString.Invariant($"> {Edges[^1]:G4}");
    }
}
