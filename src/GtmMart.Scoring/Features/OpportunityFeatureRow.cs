namespace GtmMart.Scoring.Features;

/// <summary>
/// One row of <c>mart.mrt_opportunity_features</c>: what was known about an opportunity on its created date. The
/// feature values are held by position in the row's <see cref="Catalog"/> (numbers NaN when unknown, categories ""
/// when empty); read and set them by name with the indexer: <c>row["channel"] = "Partner"</c>,
/// <c>row["sessions_30d"].Number</c>. ML.NET sees the row through <see cref="OpportunityDataView"/>.
/// </summary>
public sealed class OpportunityFeatureRow
{
    private readonly float[] _numbers;
    private readonly string[] _categories;

    /// <summary>A row of the product's catalog, numbers 0 and categories empty.</summary>
    public OpportunityFeatureRow()
        : this(OpportunityFeatureCatalog.Default)
    {
    }

    /// <summary>A row of <paramref name="catalog"/>, numbers 0 and categories empty.</summary>
    public OpportunityFeatureRow(OpportunityFeatureCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        Catalog = catalog;
        _numbers = new float[catalog.Numeric.Count];
        _categories = new string[catalog.Categorical.Count];
        Array.Fill(_categories, "");
    }

    public OpportunityFeatureCatalog Catalog { get; }

    public string OpportunityId { get; set; } = "";

    public string AccountId { get; set; } = "";

    public DateTime CreatedDate { get; set; }

    /// <summary>True when the opportunity closed won; only meaningful when <see cref="IsClosed"/>.</summary>
    public bool Label { get; set; }

    public bool IsClosed { get; set; }

    /// <summary>The numeric features in catalog order (<see cref="OpportunityFeatureCatalog.Numeric"/>).</summary>
    public Span<float> Numbers => _numbers;

    /// <summary>The categorical features in catalog order (<see cref="OpportunityFeatureCatalog.Categorical"/>).</summary>
    public Span<string> Categories => _categories;

    /// <summary>A feature's value by its mart name; setting checks the kind (a number for a numeric feature, text for a categorical one).</summary>
    public FeatureValue this[string feature]
    {
        get => Catalog.IsNumeric(feature) ? _numbers[Catalog.IndexOf(feature)] : _categories[Catalog.IndexOf(feature)];
        set
        {
            var index = Catalog.IndexOf(feature);
            if (Catalog.IsNumeric(feature))
            {
                _numbers[index] = value.IsText ? throw new ArgumentException($"'{feature}' is numeric; '{value.Text}' is text.", nameof(value)) : value.Number;
            }
            else
            {
                _categories[index] = value.IsText ? value.Text : throw new ArgumentException($"'{feature}' is categorical; {value.Number} is a number.", nameof(value));
            }
        }
    }

    /// <summary>A copy (same catalog, same values).</summary>
    public OpportunityFeatureRow Copy()
    {
        var copy = new OpportunityFeatureRow(Catalog)
        {
            OpportunityId = OpportunityId,
            AccountId = AccountId,
            CreatedDate = CreatedDate,
            Label = Label,
            IsClosed = IsClosed,
        };
        _numbers.CopyTo(copy._numbers, 0);
        _categories.CopyTo(copy._categories, 0);
        return copy;
    }
}

/// <summary>A feature value: a number or a text (converts implicitly from float and string).</summary>
public readonly record struct FeatureValue
{
    private readonly string? _text;

    private FeatureValue(float number, string? text)
    {
        Number = number;
        _text = text;
    }

    /// <summary>The number (NaN for a text value).</summary>
    public float Number { get; }

    /// <summary>The text ("" for a number).</summary>
    public string Text => _text ?? "";

    public bool IsText => _text is not null;

    public static implicit operator FeatureValue(float number) => new(number, null);

    public static implicit operator FeatureValue(string? text) => new(float.NaN, text ?? "");

    public static FeatureValue FromSingle(float number) => number;

    public static FeatureValue FromString(string? text) => text;

    public override string ToString() => IsText ? Text : Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
