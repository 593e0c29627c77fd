using System.Collections.Immutable;
using System.Numerics;
using System.Runtime.Intrinsics;
using GtmMart.Scoring.Features;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace GtmMart.Scoring.Opportunity;

/// <summary>
/// The trained featurizer (one-hot categoricals, missing indicators, mean-replaced numerics, concatenated, binned to
/// [0, 1]; see the trainer) computed without ML.NET's row machinery: per slot a dictionary lookup or a binary search in
/// the fitted bin bounds. The parameters come from the fitted model: the slot names of the Features vector (which
/// source column and category each slot holds), the bin normalizer's bounds, and the value a missing number
/// featurizes to, read by running the featurizer once on a row of missing values. <see cref="TryCreate"/> checks the
/// result against ML.NET on probe rows covering every category, every bin edge and missing values, and declines
/// (null: the caller keeps ML.NET's engine) on any difference or on a layout it does not know.
/// </summary>
internal sealed class OpportunityFeaturizer
{
    private readonly OpportunityFeatureCatalog _catalog;
    private readonly CategoricalInput[] _categorical;
    private readonly NumericInput[] _numeric;
    private readonly float[][] _bounds;
    private readonly float[] _density;
    private readonly float[] _offset;

    /// <summary>
    /// The numeric inputs as <see cref="Featurize"/> reads them, side by side, with their bins in <see cref="_binData"/>:
    /// what one row's numbers need is a few contiguous arrays, not an object per input and per slot.
    /// </summary>
    private readonly NumericStep[] _steps;

    /// <summary>
    /// Every value slot's bins, one slot after another: its bounds but the last, padded with +∞ to whole vectors
    /// (<see cref="Vector128{T}"/>), then the binned value of each bin index (<c>index / density − offset</c>, computed
    /// once as <see cref="Bin"/> computes it). For ascending bounds the bin index of x is the number of them below x,
    /// counted a vector at a time with no branch to mispredict: the index the binary search finds.
    /// </summary>
    private readonly float[] _binData;

    /// <summary>The featurized value of each slot for a 0 and for a 1 input (one-hot and missing-indicator slots).</summary>
    private readonly float[] _zero;
    private readonly float[] _one;

    /// <summary>A categorical source column (<paramref name="Index"/> in a row's categories): its one-hot slots (<paramref name="Count"/> from <paramref name="First"/>), by category.</summary>
    private sealed record CategoricalInput(string Feature, int Index, int First, int Count, Dictionary<string, int> SlotOf);

    /// <summary>
    /// A numeric source column: its value slot (−1 when only its missing indicator is used), indicator slot (−1 when
    /// none), and what its value slot holds for a missing number (the replaced mean, binned).
    /// </summary>
    private sealed record NumericInput(string Feature, int Index, int Slot, int MissingSlot, float WhenMissing = float.NaN);

    /// <summary>
    /// A numeric input as <see cref="Featurize"/> reads it: <see cref="NumericInput"/>'s slots and missing value, its
    /// indicator's two values, and where its value slot's bins start in <see cref="_binData"/> (−1: binned by
    /// <see cref="Bin"/>, for bounds not in ascending order or without vector instructions), how many padded bounds
    /// come first, and then its binned values.
    /// </summary>
    private readonly record struct NumericStep(int Index, int Slot, int MissingSlot, float WhenMissing, float MissingOne, float MissingZero, int Below, int BelowCount);

    private OpportunityFeaturizer(OpportunityFeatureCatalog catalog, int slots, CategoricalInput[] categorical, NumericInput[] numeric, float[][] bounds, float[] density, float[] offset)
    {
        _catalog = catalog;
        Slots = slots;
        _categorical = categorical;
        _numeric = numeric;
        _bounds = bounds;
        _density = density;
        _offset = offset;
        _zero = new float[slots];
        _one = new float[slots];
        for (var s = 0; s < slots; s++)
        {
            _zero[s] = Bin(s, 0f);
            _one[s] = Bin(s, 1f);
        }

        var binData = new List<float>();
        _steps = [.. numeric.Select(n =>
        {
            var (below, belowCount) = n.Slot >= 0 && Vector128.IsHardwareAccelerated ? AddBins(binData, n.Slot) : (-1, 0);
            return new NumericStep(n.Index, n.Slot, n.MissingSlot, n.WhenMissing, n.MissingSlot >= 0 ? _one[n.MissingSlot] : 0, n.MissingSlot >= 0 ? _zero[n.MissingSlot] : 0, below, belowCount);
        })];
        _binData = [.. binData];
    }

    /// <summary>
    /// Appends the slot's bins to <paramref name="into"/> (see <see cref="_binData"/>): where they start and how many
    /// padded bounds come first; (−1, 0) when its bounds but the last are not in ascending order.
    /// </summary>
    private (int Start, int Count) AddBins(List<float> into, int slot)
    {
        var bounds = _bounds[slot];
        var count = Math.Max(bounds.Length - 1, 0);
        for (var i = 1; i < count; i++)
        {
            if (!(bounds[i - 1] <= bounds[i]))
            {
                return (-1, 0);
            }
        }

        var width = Vector128<float>.Count;
        var padded = Math.Max(width, (count + width - 1) / width * width);
        var start = into.Count;
        into.AddRange(bounds.AsSpan(0, count));
        into.AddRange(Enumerable.Repeat(float.PositiveInfinity, padded - count));
        into.AddRange(Enumerable.Range(0, Math.Max(bounds.Length, 1)).Select(i => (i / _density[slot]) - _offset[slot]));
        return (start, padded);
    }

    public int Slots { get; }

    /// <summary>Writes the Features vector of <paramref name="row"/> (of the featurizer's catalog) into <paramref name="into"/> (<see cref="Slots"/> values).</summary>
    public void Featurize(OpportunityFeatureRow row, Span<float> into)
    {
        if (row.Catalog != _catalog)
        {
            throw new ArgumentException($"row {row.OpportunityId} belongs to another feature catalog than the model's", nameof(row));
        }

        var categories = row.Categories;
        var numbers = row.Numbers;
        foreach (var c in _categorical)
        {
            _zero.AsSpan(c.First, c.Count).CopyTo(into.Slice(c.First, c.Count));
            if (c.SlotOf.TryGetValue(categories[c.Index] ?? "", out var slot))
            {
                into[slot] = _one[slot];
            }
        }

        foreach (ref readonly var n in _steps.AsSpan())
        {
            var x = numbers[n.Index];
            var missing = float.IsNaN(x);
            if (n.Slot >= 0)
            {
                into[n.Slot] = missing ? n.WhenMissing : n.Below >= 0 ? BinFromData(n.Below, n.BelowCount, x) : Bin(n.Slot, x);
            }

            if (n.MissingSlot >= 0)
            {
                into[n.MissingSlot] = missing ? n.MissingOne : n.MissingZero;
            }
        }
    }

    /// <summary>
    /// <see cref="Bin"/>'s value from a slot's bins in <see cref="_binData"/> (from <paramref name="start"/>,
    /// <paramref name="padded"/> bounds then the binned values): the count of bounds below x, compared a vector at a
    /// time, indexes the binned values (for ascending bounds, the first bound but the last that is ≥ x is at that count).
    /// </summary>
    private float BinFromData(int start, int padded, float x)
    {
        var bins = _binData.AsSpan(start);
        var value = Vector128.Create(x);
        var count = 0;
        for (var i = 0; i < padded; i += Vector128<float>.Count)
        {
            count += BitOperations.PopCount(Vector128.LessThan(Vector128.Create(bins.Slice(i, Vector128<float>.Count)), value).ExtractMostSignificantBits());
        }

        return bins[padded + count];
    }

    /// <summary>ML.NET's bin normalizer: the index of the first of the bounds but the last that is ≥ x, over the density, minus the offset.</summary>
    private float Bin(int slot, float x)
    {
        var bounds = _bounds[slot];
        int lo = 0, hi = bounds.Length - 1;
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (bounds[mid] < x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return (lo / _density[slot]) - _offset[slot];
    }

    /// <summary>
    /// The featurizer of <paramref name="featurizer"/> (the model's transformers before its predictor), or null when its
    /// layout is not the trainer's or the computed vectors differ from ML.NET's on the probe rows.
    /// </summary>
    public static OpportunityFeaturizer? TryCreate(MLContext ml, ITransformer featurizer, OpportunityFeatureCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(featurizer);
        ArgumentNullException.ThrowIfNull(catalog);
        var parts = Flatten(featurizer).ToList();
        if (parts.Count == 0 || parts[^1] is not NormalizingTransformer normalizer || !parts.SkipLast(1).All(IsKnownStep)
            || normalizer.GetNormalizerModelParameters(0) is not NormalizingTransformer.BinNormalizerModelParameters<ImmutableArray<float>> bins)
        {
            return null;
        }

        var column = featurizer.GetOutputSchema(OpportunityDataView.Schema(catalog))[OpportunityFeatureColumns.Features];
        var slots = column.Type.ValueCountOf();
        if (!column.HasSlotNames() || bins.UpperBounds.Length != slots || bins.Density.Length != slots)
        {
            return null;
        }

        var layout = Layout(catalog, OpportunitySlotLayout.SlotNames(column));
        if (layout is null)
        {
            return null;
        }

        // What a missing number featurizes to (the replaced mean, binned), from ML.NET itself: one row of missing values.
        var (categorical, numeric) = layout.Value;
        var missing = new OpportunityFeatureRow(catalog);
        foreach (var n in numeric)
        {
            missing.Numbers[n.Index] = float.NaN;
        }

        var whenMissing = Run(ml, featurizer, catalog, [missing])[0];
        numeric = [.. numeric.Select(n => n.Slot >= 0 ? n with { WhenMissing = whenMissing[n.Slot] } : n)];

        var offset = bins.Offset.IsDefaultOrEmpty ? new float[slots] : [.. bins.Offset];
        var compiled = new OpportunityFeaturizer(catalog, slots, categorical, numeric, [.. bins.UpperBounds.Select(b => b.ToArray())], [.. bins.Density], offset);
        return compiled.Agrees(ml, featurizer) ? compiled : null;
    }

    /// <summary>ML.NET's Features vectors of <paramref name="rows"/>.</summary>
    private static List<float[]> Run(MLContext ml, ITransformer featurizer, OpportunityFeatureCatalog catalog, IReadOnlyList<OpportunityFeatureRow> rows) =>
        [.. featurizer.Transform(OpportunityDataView.Create(catalog, rows)).GetColumn<VBuffer<float>>(OpportunityFeatureColumns.Features).Select(v => v.DenseValues().ToArray())];

    private static bool IsKnownStep(ITransformer t) =>
        t is OneHotEncodingTransformer or ValueToKeyMappingTransformer or KeyToVectorMappingTransformer or MissingValueIndicatorTransformer
            or TypeConvertingTransformer or MissingValueReplacingTransformer or ColumnConcatenatingTransformer;

    private static IEnumerable<ITransformer> Flatten(ITransformer t) => t is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [t];

    /// <summary>
    /// The inputs behind the Features slot names the concatenation gives: <c>cat__channel.Google</c> (one-hot slot of a
    /// category), <c>num__amount_usd</c> (a number), <c>miss__days_since_last_session</c> (its missing indicator).
    /// Null for any other name, or a column whose slots are not together.
    /// </summary>
    private static (CategoricalInput[] Categorical, NumericInput[] Numeric)? Layout(OpportunityFeatureCatalog catalog, string[] names)
    {
        var categorical = new List<CategoricalInput>();
        var numeric = new Dictionary<string, NumericInput>(StringComparer.Ordinal);
        for (var s = 0; s < names.Length; s++)
        {
            var name = names[s];
            var source = OpportunityFeatureColumns.SourceOf(name);
            if (name.StartsWith(OpportunityFeatureColumns.CategoricalPrefix, StringComparison.Ordinal) && source?.IndexOf('.', StringComparison.Ordinal) is > 0 and var dot
                && catalog.IsCategorical(source[..dot]))
            {
                var feature = source[..dot];
                if (categorical.Count == 0 || categorical[^1].Feature != feature)
                {
                    if (categorical.Any(c => c.Feature == feature))
                    {
                        return null;
                    }

                    categorical.Add(new CategoricalInput(feature, catalog.IndexOf(feature), s, 0, new(StringComparer.Ordinal)));
                }

                categorical[^1] = categorical[^1] with { Count = s - categorical[^1].First + 1 };
                if (!categorical[^1].SlotOf.TryAdd(source[(dot + 1)..], s))
                {
                    return null;
                }
            }
            else if (source is not null && catalog.IsNumeric(source) && !name.StartsWith(OpportunityFeatureColumns.CategoricalPrefix, StringComparison.Ordinal))
            {
                var input = numeric.GetValueOrDefault(source) ?? new NumericInput(source, catalog.IndexOf(source), -1, -1);
                var isValue = name.StartsWith(OpportunityFeatureColumns.NumericPrefix, StringComparison.Ordinal);
                if ((isValue ? input.Slot : input.MissingSlot) >= 0)
                {
                    return null;
                }

                numeric[source] = isValue ? input with { Slot = s } : input with { MissingSlot = s };
            }
            else
            {
                return null;
            }
        }

        return ([.. categorical], [.. numeric.Values]);
    }

    /// <summary>
    /// Whether this featurizer gives ML.NET's vector, bit for bit, on probe rows: every category of every column, an
    /// empty and an unseen one; for every number, missing, zero, negative, the largest float, each bin edge and the
    /// floats either side of it. Probe row i takes each column's (i mod its count)-th value.
    /// </summary>
    private bool Agrees(MLContext ml, ITransformer featurizer)
    {
        var categories = _categorical
            .Select(c => (c.Index, Values: c.SlotOf.OrderBy(v => v.Value).Select(v => v.Key).Append("").Append("\u0001unseen").ToArray()))
            .ToArray();
        var numbers = _numeric
            .Select(n => (n.Index, Values: (float[])[float.NaN, 0f, -1f, float.MaxValue, .. n.Slot < 0 ? [] : _bounds[n.Slot].Where(float.IsFinite).SelectMany(b => (float[])[MathF.BitDecrement(b), b, MathF.BitIncrement(b)])]))
            .ToArray();
        var probes = Math.Max(categories.Select(c => c.Values.Length).DefaultIfEmpty(0).Max(), numbers.Select(n => n.Values.Length).DefaultIfEmpty(0).Max());
        var rows = new List<OpportunityFeatureRow>(probes);
        for (var i = 0; i < probes; i++)
        {
            var row = new OpportunityFeatureRow(_catalog);
            foreach (var (index, values) in categories)
            {
                row.Categories[index] = values[i % values.Length];
            }

            foreach (var (index, values) in numbers)
            {
                row.Numbers[index] = values[i % values.Length];
            }

            rows.Add(row);
        }

        var theirs = Run(ml, featurizer, _catalog, rows);
        var ours = new float[Slots];
        for (var i = 0; i < rows.Count; i++)
        {
            Featurize(rows[i], ours);
            if (theirs[i].Length != Slots || !ours.AsSpan().SequenceEqual(theirs[i]))
            {
                return false;
            }
        }

        return true;
    }
}
