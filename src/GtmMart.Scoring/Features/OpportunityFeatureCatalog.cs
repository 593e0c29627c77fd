using System.Collections.Frozen;

namespace GtmMart.Scoring.Features;

/// <summary>Numeric features are float in rows and in the model (NaN when unknown); categorical ones are text.</summary>
public enum FeatureKind
{
    Numeric,
    Categorical,
}

/// <summary>How a feature travels in the <c>gtm.v1.InlineOpportunity</c> message.</summary>
public enum WireUnit
{
    /// <summary><c>optional float</c>; unset is a missing value.</summary>
    Number,

    /// <summary><c>optional int64</c> US cents (field <c>&lt;name&gt;_cents</c>); rows and models hold dollars.</summary>
    UsdCents,

    /// <summary><c>string</c>; empty is no value.</summary>
    Text,
}

/// <summary>
/// One opportunity feature: its column in <c>mart.mrt_opportunity_features</c> (<see cref="Name"/>), its kind, its
/// family (reasons are given per family), how it reads, what it is, and how it travels in <c>InlineOpportunity</c> and
/// on the <c>gtm client score-inline</c> command line.
/// </summary>
public sealed record OpportunityFeature(string Name, FeatureKind Kind, string Family, FeaturePhrasing Phrasing, string Description)
{
    /// <summary>How the feature is carried in <c>InlineOpportunity</c>.</summary>
    public WireUnit Wire { get; init; } = Kind == FeatureKind.Categorical ? WireUnit.Text : WireUnit.Number;

    /// <summary>The <c>InlineOpportunity</c> field: the feature's name, with <c>_cents</c> for money.</summary>
    public string ProtoField => Wire == WireUnit.UsdCents ? Name + "_cents" : Name;

    /// <summary>The <c>gtm client score-inline</c> option (money in dollars, e.g. <c>--amount-usd 25000.50</c>).</summary>
    public string CliOption => "--" + Name.Replace('_', '-');

    /// <summary>Whether training uses it unless a config lists the features (high-cardinality ids do not).</summary>
    public bool InDefaultModel { get; init; } = true;

    /// <summary>A 0/1 flag (validated as such).</summary>
    public bool IsFlag { get; init; }
}

/// <summary>
/// A group of features that describe one thing about a deal (web engagement windows, account history, ...): a score's
/// reasons are given per family, never two from one. <see cref="PhraseOrder"/> names the features a reason phrases
/// first; the family's other features follow in catalog order.
/// </summary>
public sealed record FeatureFamily(string Id, string Label, IReadOnlyList<string> PhraseOrder)
{
    public FeatureFamily(string id, string label)
        : this(id, label, [])
    {
    }
}

/// <summary>
/// The opportunity features, declared once (see <see cref="OpportunityFeatures"/> for the product's): the row type,
/// the ML.NET schema, the featurizer, the readers of the mart and of Parquet snapshots, the proto mapping, inline
/// validation, the <c>gtm client score-inline</c> options and the phrasing of reasons all follow from it. Tests check
/// it against the columns of <c>mart.mrt_opportunity_features</c> and the <c>InlineOpportunity</c> descriptor.
/// </summary>
public sealed class OpportunityFeatureCatalog
{
    /// <summary>Row columns that are not features: identity, creation date and label.</summary>
    public static readonly IReadOnlyList<string> KeyColumns = ["opportunity_id", "account_id", "created_date", "label_won", "is_closed"];

    /// <summary>Columns of the mart that rows do not read (the label's complement and the leakage test's date).</summary>
    public static readonly IReadOnlyList<string> UnreadMartColumns = ["is_open", "last_feature_event_date"];

    /// <summary><c>InlineOpportunity</c> fields that are not features (echoed and informational).</summary>
    public static readonly IReadOnlyList<string> InlineKeyFields = ["opportunity_id", "account_id"];

    private readonly FrozenDictionary<string, OpportunityFeature> _byName;
    private readonly FrozenDictionary<string, int> _indexInKind;
    private readonly FrozenDictionary<string, FeatureFamily> _families;

    public OpportunityFeatureCatalog(IReadOnlyList<FeatureFamily> families, IReadOnlyList<OpportunityFeature> features)
    {
        ArgumentNullException.ThrowIfNull(families);
        ArgumentNullException.ThrowIfNull(features);
        Families = families;
        Features = features;
        Numeric = [.. features.Where(f => f.Kind == FeatureKind.Numeric)];
        Categorical = [.. features.Where(f => f.Kind == FeatureKind.Categorical)];
        Check(families, features);
        _byName = features.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);
        _indexInKind = Numeric.Select((f, i) => KeyValuePair.Create(f.Name, i))
            .Concat(Categorical.Select((f, i) => KeyValuePair.Create(f.Name, i)))
            .ToFrozenDictionary(StringComparer.Ordinal);
        _families = families.ToFrozenDictionary(f => f.Id, StringComparer.Ordinal);
        FamilyFeatures = families.ToFrozenDictionary(
            f => f.Id,
            f => (IReadOnlyList<OpportunityFeature>)[.. f.PhraseOrder.Select(n => _byName[n]), .. features.Where(x => x.Family == f.Id && !f.PhraseOrder.Contains(x.Name))],
            StringComparer.Ordinal);
    }

    /// <summary>The product's catalog (<see cref="OpportunityFeatures"/>).</summary>
    public static OpportunityFeatureCatalog Default => OpportunityFeatures.Catalog;

    /// <summary>Every feature in declaration order (the mart's column order).</summary>
    public IReadOnlyList<OpportunityFeature> Features { get; }

    public IReadOnlyList<OpportunityFeature> Numeric { get; }

    public IReadOnlyList<OpportunityFeature> Categorical { get; }

    public IReadOnlyList<FeatureFamily> Families { get; }

    /// <summary>Each family's features, the phrase order first.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<OpportunityFeature>> FamilyFeatures { get; }

    public bool Contains(string name) => _byName.ContainsKey(name);

    public OpportunityFeature this[string name] =>
        _byName.TryGetValue(name, out var f) ? f : throw new ArgumentException($"'{name}' is not an opportunity feature (see the feature catalog).", nameof(name));

    public bool IsNumeric(string name) => _byName.TryGetValue(name, out var f) && f.Kind == FeatureKind.Numeric;

    public bool IsCategorical(string name) => _byName.TryGetValue(name, out var f) && f.Kind == FeatureKind.Categorical;

    /// <summary>The feature's position among the features of its kind: its index in a row's numbers or categories.</summary>
    public int IndexOf(string name) =>
        _indexInKind.TryGetValue(name, out var i) ? i : throw new ArgumentException($"'{name}' is not an opportunity feature (see the feature catalog).", nameof(name));

    public FeatureFamily Family(string id) =>
        _families.TryGetValue(id, out var f) ? f : throw new ArgumentException($"'{id}' is not a feature family.", nameof(id));

    /// <summary>A catalog with more families and features (an extension, or a test's).</summary>
    public OpportunityFeatureCatalog With(IEnumerable<FeatureFamily> families, IEnumerable<OpportunityFeature> features) =>
        new([.. Families, .. families], [.. Features, .. features]);

    /// <summary>Names, proto fields and options unique; every family declared and used; phrase orders within the family.</summary>
    private static void Check(IReadOnlyList<FeatureFamily> families, IReadOnlyList<OpportunityFeature> features)
    {
        Unique(features.Select(f => f.Name).Concat(KeyColumns).Concat(UnreadMartColumns), "column");
        Unique(features.Select(f => f.ProtoField).Concat(InlineKeyFields), "InlineOpportunity field");
        Unique(features.Select(f => f.CliOption), "command-line option");
        Unique(families.Select(f => f.Id), "family");
        foreach (var f in features)
        {
            if (!families.Any(x => x.Id == f.Family))
            {
                throw new ArgumentException($"feature '{f.Name}' is in family '{f.Family}', which the catalog does not declare");
            }

            if ((f.Kind == FeatureKind.Categorical) != (f.Wire == WireUnit.Text) || (f.IsFlag && f.Kind != FeatureKind.Numeric))
            {
                throw new ArgumentException($"feature '{f.Name}': a {f.Kind} feature cannot travel as {f.Wire}{(f.IsFlag ? " or be a flag" : "")}");
            }
        }

        foreach (var family in families)
        {
            if (!features.Any(f => f.Family == family.Id))
            {
                throw new ArgumentException($"family '{family.Id}' has no features");
            }

            foreach (var name in family.PhraseOrder.Where(n => !features.Any(f => f.Name == n && f.Family == family.Id)))
            {
                throw new ArgumentException($"family '{family.Id}' phrases '{name}' first, which is not one of its features");
            }
        }
    }

    private static void Unique(IEnumerable<string> names, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names.Where(n => !seen.Add(n)))
        {
            throw new ArgumentException($"the feature catalog declares the {what} '{name}' twice");
        }
    }
}
