using System.Collections.Concurrent;
using GtmMart.Scoring.Features;

namespace GtmMart.Scoring.Opportunity;

/// <summary>
/// Turns a model's per-family effects against the typical deal into a score's reasons: the families moving the win
/// log-odds most each way (at least <see cref="MinimumContribution"/>), one reason per family, phrased with the deal's
/// values beside the typical deal's ("3 demo-page visits in the last 30 days (typical deal: none)"). A family holding
/// a value the model never saw (a new category, or none where training always had one) gives no reason: the value is
/// listed as unknown instead. Thread-safe.
/// </summary>
internal sealed class OpportunityReasons
{
    /// <summary>Reasons per side.</summary>
    public const int FactorsPerSide = 3;

    /// <summary>A family is a reason when it moves the win log-odds by at least this much (about a quarter point of probability near 50%).</summary>
    public const double MinimumContribution = 0.01;

    /// <summary>Reason texts one family keeps at most; beyond that they are formatted each time.</summary>
    private const int CachedPhrasesPerFamily = 4_096;

    private readonly OpportunityFeatureRow? _typical;
    private readonly Family[] _families;

    /// <summary>One family of the model: its features the model uses, in phrase order, and its reason texts by the values they phrase.</summary>
    private sealed record Family(FeatureFamily Declared, Feature[] Features)
    {
        public ConcurrentDictionary<PhraseKey, string> Texts { get; } = new();
    }

    /// <summary>
    /// One feature of the model: its index among its kind, the categories the model knows (categorical: each with a
    /// number, its position in the known set), whether the model saw it missing (numeric), and its unknown-value text
    /// for no value ("Channel not given"), made once.
    /// </summary>
    private sealed record Feature(OpportunityFeature Declared, int Index, Dictionary<string, int>? Known, bool MissingKnown)
    {
        public string NotGiven { get; } = Capital(Declared.Phrasing.Noun) + " not given";
    }

    /// <summary>
    /// What a family's reason text phrases: up to two of its features (by position in the family, −1 for none) and
    /// their values, each as a number: a known category's number, or a number's bits (all NaNs one value, −0 as 0, so
    /// that values equal as floats share a text). Integers only: hashing and comparing the key reads no string.
    /// </summary>
    private readonly record struct PhraseKey(int First, int FirstValue, int Second, int SecondValue);

    /// <param name="catalog">The catalog of the rows.</param>
    /// <param name="families">The model's families in effect order (the index of each in an effects span).</param>
    /// <param name="sources">The model's source features.</param>
    /// <param name="categories">The categories the model has a slot for, by categorical feature.</param>
    /// <param name="missingKnown">Numeric features the model has a missing indicator for.</param>
    /// <param name="typical">The typical deal; null gives no reasons (unknown values are still listed).</param>
    public OpportunityReasons(
        OpportunityFeatureCatalog catalog,
        IReadOnlyList<string> families,
        IReadOnlySet<string> sources,
        IReadOnlyDictionary<string, HashSet<string>> categories,
        IReadOnlySet<string> missingKnown,
        OpportunityFeatureRow? typical)
    {
        _typical = typical;
        _families = [.. families.Select(id => new Family(
            catalog.Family(id),
            [.. catalog.FamilyFeatures[id].Where(f => sources.Contains(f.Name)).Select(f => new Feature(
                f,
                catalog.IndexOf(f.Name),
                f.Kind == FeatureKind.Categorical ? Numbered(categories.GetValueOrDefault(f.Name)) : null,
                missingKnown.Contains(f.Name)))]))];
    }

    /// <summary>The known categories, each with its number (ordinal comparison, as the known set's).</summary>
    private static Dictionary<string, int> Numbered(HashSet<string>? known) =>
        (known ?? []).Order(StringComparer.Ordinal).Select((value, i) => (value, i)).ToDictionary(p => p.value, p => p.i, StringComparer.Ordinal);

    /// <summary>Whether reasons are given (the model has a typical deal).</summary>
    public bool HasReference => _typical is not null;

    /// <summary>
    /// The reasons of <paramref name="row"/> from its families' effects on the raw score (<paramref name="effects"/>,
    /// in family order), turned into log-odds by <paramref name="logOddsPerRawScore"/>, and its unknown values.
    /// </summary>
    public (OpportunityFactor[] Positive, OpportunityFactor[] Negative, IReadOnlyList<UnknownValue> Unknown) Explain(
        OpportunityFeatureRow row, ReadOnlySpan<double> effects, double logOddsPerRawScore)
    {
        List<UnknownValue>? unknown = null;

        // Each categorical value's number among the known categories (by its index in the row), found once by the unknown-value check.
        Span<int> categoryNumbers = row.Categories.Length <= 128 ? stackalloc int[row.Categories.Length] : new int[row.Categories.Length];
        Span<int> positive = stackalloc int[FactorsPerSide];
        Span<int> negative = stackalloc int[FactorsPerSide];
        Span<double> contribution = _families.Length <= 128 ? stackalloc double[_families.Length] : new double[_families.Length];
        int positives = 0, negatives = 0;
        for (var f = 0; f < _families.Length; f++)
        {
            if (Unknown(_families[f], row, categoryNumbers, ref unknown))
            {
                continue;
            }

            contribution[f] = effects.IsEmpty ? 0 : effects[f] * logOddsPerRawScore;
            if (contribution[f] >= MinimumContribution)
            {
                Insert(positive, ref positives, f, contribution, sign: 1);
            }
            else if (contribution[f] <= -MinimumContribution)
            {
                Insert(negative, ref negatives, f, contribution, sign: -1);
            }
        }

        return (Factors(positive[..positives], contribution, row, categoryNumbers), Factors(negative[..negatives], contribution, row, categoryNumbers),
            unknown is null ? [] : unknown);
    }

    /// <summary>Inserts family <paramref name="f"/> into the short list sorted by size of contribution; a later family never displaces an equal earlier one.</summary>
    private static void Insert(Span<int> best, ref int count, int f, ReadOnlySpan<double> contribution, int sign)
    {
        var value = sign * contribution[f];
        var at = count;
        while (at > 0 && value > sign * contribution[best[at - 1]])
        {
            at--;
        }

        if (at >= FactorsPerSide)
        {
            return;
        }

        for (var k = Math.Min(count, FactorsPerSide - 1); k > at; k--)
        {
            best[k] = best[k - 1];
        }

        best[at] = f;
        count = Math.Min(count + 1, FactorsPerSide);
    }

    /// <summary>The reasons of the given families, in order: an array sized for them (the shared empty one for none), as every score served makes two.</summary>
    private OpportunityFactor[] Factors(ReadOnlySpan<int> families, ReadOnlySpan<double> contribution, OpportunityFeatureRow row, ReadOnlySpan<int> categoryNumbers)
    {
        if (families.IsEmpty)
        {
            return [];
        }

        var factors = new OpportunityFactor[families.Length];
        for (var i = 0; i < families.Length; i++)
        {
            var f = families[i];
            var (lead, text) = Phrase(_families[f], row, categoryNumbers);
            factors[i] = new OpportunityFactor(_families[f].Declared.Id, lead, text, contribution[f]);
        }

        return factors;
    }

    /// <summary>
    /// Whether the family holds a value the model does not know; each such value is added to <paramref name="unknown"/>,
    /// and each known category's number is noted in <paramref name="categoryNumbers"/> (at its index in the row).
    /// </summary>
    private static bool Unknown(Family family, OpportunityFeatureRow row, Span<int> categoryNumbers, ref List<UnknownValue>? unknown)
    {
        var any = false;
        foreach (var feature in family.Features)
        {
            var text = feature.Known is { } known ? UnknownCategory(feature, known, row.Categories[feature.Index], out categoryNumbers[feature.Index])
                : !feature.MissingKnown && float.IsNaN(row.Numbers[feature.Index]) ? feature.NotGiven
                : null;
            if (text is not null)
            {
                (unknown ??= []).Add(new UnknownValue(family.Declared.Id, feature.Declared.Name, feature.Known is null ? "" : row.Categories[feature.Index] ?? "", text));
                any = true;
            }
        }

        return any;
    }

    /// <summary>"Channel not given" for an empty value or the mart's "Unknown", "Unknown channel 'Paid Search'" for one the model never saw, else null.</summary>
    private static string? UnknownCategory(Feature feature, Dictionary<string, int> known, string? value, out int number)
    {
        number = -1;
        return string.IsNullOrWhiteSpace(value) || value == "Unknown" ? feature.NotGiven
            : known.TryGetValue(value, out number) ? null
            : $"Unknown {feature.Declared.Phrasing.Noun} '{value}'";
    }

    /// <summary>
    /// The family's reason text: up to two of its features whose value differs from the typical deal's, in phrase
    /// order, each with the typical value; and the first of them (the feature the reason leads with). Texts are kept
    /// per family and values (at most <see cref="CachedPhrasesPerFamily"/>): scores repeat the same few values, and
    /// formatting them again cost about as much as the rest of a score.
    /// </summary>
    private (string Lead, string Text) Phrase(Family family, OpportunityFeatureRow row, ReadOnlySpan<int> categoryNumbers)
    {
        int first = -1, second = -1;
        for (var k = 0; k < family.Features.Length && second < 0; k++)
        {
            if (Differs(family.Features[k], row))
            {
                (first, second) = first < 0 ? (k, -1) : (first, k);
            }
        }

        if (first < 0)
        {
            return (family.Features[0].Declared.Name, family.Declared.Label);
        }

        var key = new PhraseKey(first, Value(family, first, row, categoryNumbers), second, Value(family, second, row, categoryNumbers));
        if (!family.Texts.TryGetValue(key, out var text))
        {
            text = second < 0 ? Phrase(family.Features[first], row) : Phrase(family.Features[first], row) + "; " + Phrase(family.Features[second], row);
            if (family.Texts.Count < CachedPhrasesPerFamily)
            {
                family.Texts.TryAdd(key, text);
            }
        }

        return (family.Features[first].Declared.Name, text);
    }

    /// <summary>
    /// The value of the family's <paramref name="k"/>-th feature in a phrase key: a known category's number (a family
    /// phrased holds only known categories), or a number's bits with every NaN as one and −0 as 0 (0 when k is −1).
    /// </summary>
    private static int Value(Family family, int k, OpportunityFeatureRow row, ReadOnlySpan<int> categoryNumbers)
    {
        if (k < 0)
        {
            return 0;
        }

        var feature = family.Features[k];
        if (feature.Known is not null)
        {
            return categoryNumbers[feature.Index];
        }

        var x = row.Numbers[feature.Index];
        return float.IsNaN(x) ? BitConverter.SingleToInt32Bits(float.NaN) : x == 0 ? 0 : BitConverter.SingleToInt32Bits(x);
    }

    private bool Differs(Feature feature, OpportunityFeatureRow row) => feature.Known is not null
        ? !string.Equals(row.Categories[feature.Index], _typical!.Categories[feature.Index], StringComparison.Ordinal)
        : !row.Numbers[feature.Index].Equals(_typical!.Numbers[feature.Index]);

    /// <summary>"3 demo-page visits in the last 30 days (typical deal: none)".</summary>
    private string Phrase(Feature feature, OpportunityFeatureRow row)
    {
        var phrasing = feature.Declared.Phrasing;
        return feature.Known is not null
            ? $"{phrasing.Phrase(row.Categories[feature.Index] ?? "")} (typical deal: {phrasing.Typical(_typical!.Categories[feature.Index])})"
            : $"{phrasing.Phrase(row.Numbers[feature.Index])} (typical deal: {phrasing.Typical(_typical!.Numbers[feature.Index])})";
    }

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
