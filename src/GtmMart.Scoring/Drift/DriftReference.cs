using System.Text.Json;
using GtmMart.Scoring.Features;
using GtmMart.Scoring.Icp;
using GtmMart.Scoring.Registry;

namespace GtmMart.Scoring.Drift;

/// <summary>
/// The binned reference distributions of one model version, kept in the registry beside its card
/// (<c>models/&lt;model&gt;/&lt;version&gt;/drift-reference.json</c>): each feature the model uses and its score, over
/// the rows it was trained on (<see cref="Population"/> says which). Every scoring run counts its population into
/// the same bins and compares (<see cref="Compare{T}"/>).
/// </summary>
public sealed record DriftReference
{
    public const string FileName = "drift-reference.json";

    public required string Model { get; init; }

    /// <summary>The rows the distributions describe, in words ("the 7,412 closed opportunities the model was fitted on").</summary>
    public required string Population { get; init; }

    public required long Rows { get; init; }

    /// <summary>The features, then the score (<see cref="DriftColumnKind.Score"/>).</summary>
    public required IReadOnlyList<BinnedColumn> Columns { get; init; }

    public void Write(string directory) =>
        File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, ModelCard.Json) + "\n");

    /// <summary>The reference kept with a version, or null for a version trained before references were kept.</summary>
    public static DriftReference? Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<DriftReference>(File.ReadAllText(path), ModelCard.Json)
                ?? throw new InvalidDataException($"{path}: not a drift reference");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a drift reference ({ex.Message})", ex);
        }
    }

    /// <summary>
    /// Bins <paramref name="features"/> (numeric or categorical by <paramref name="isNumeric"/>) of <paramref name="rows"/>
    /// and their scores (one per row) named <paramref name="scoreName"/>.
    /// </summary>
    public static DriftReference Build<T>(
        string model, string population, IReadOnlyList<string> features, Func<string, bool> isNumeric,
        IReadOnlyList<T> rows, Func<T, string, FeatureValue> value, string scoreName, IReadOnlyList<double> scores)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(isNumeric);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count != rows.Count)
        {
            throw new ArgumentException($"{rows.Count} rows but {scores.Count} scores");
        }

        var columns = features
            .Select(f => isNumeric(f)
                ? BinnedColumn.Numeric(f, rows.Select(r => (double)value(r, f).Number))
                : BinnedColumn.Categorical(f, rows.Select(r => value(r, f).Text)))
            .Append(BinnedColumn.Numeric(scoreName, scores, DriftColumnKind.Score))
            .ToList();
        return new DriftReference { Model = model, Population = population, Rows = rows.Count, Columns = columns };
    }

    /// <summary>The drift of every column: the scored <paramref name="rows"/> and their <paramref name="scores"/> against the reference.</summary>
    public IReadOnlyList<ColumnDrift> Compare<T>(IReadOnlyList<T> rows, Func<T, string, FeatureValue> value, IReadOnlyList<double> scores)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Compare(rows, name => row => value(row, name), scores);
    }

    /// <summary>
    /// As above, each column read by the reader <paramref name="column"/> gives for its name (resolved once per column,
    /// not by name per value).
    /// </summary>
    public IReadOnlyList<ColumnDrift> Compare<T>(IReadOnlyList<T> rows, Func<string, Func<T, FeatureValue>> column, IReadOnlyList<double> scores)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(scores);
        return Columns
            .Select(c => PopulationStability.Compare(c, c.Kind switch
            {
                DriftColumnKind.Score => c.Count(scores),
                DriftColumnKind.Numeric => Numbers(c, rows, column(c.Name)),
                _ => Texts(c, rows, column(c.Name)),
            }))
            .ToList();
    }

    /// <summary>An opportunity feature by name.</summary>
    public static FeatureValue OpportunityValue(OpportunityFeatureRow row, string feature)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row[feature];
    }

    /// <summary>An ICP fit feature (firmographic, <see cref="IcpFeatureCatalog"/>) of an account by name.</summary>
    public static FeatureValue AccountValue(AccountFeatureRow row, string feature) => AccountColumn(feature)(row);

    /// <summary>A reader of an opportunity feature: its kind and position in the product catalog's rows looked up once.</summary>
    public static Func<OpportunityFeatureRow, FeatureValue> OpportunityColumn(string feature)
    {
        var catalog = OpportunityFeatureCatalog.Default;
        if (!catalog.Contains(feature))
        {
            return row => row[feature];
        }

        var index = catalog.IndexOf(feature);
        return catalog.IsNumeric(feature)
            ? row => ReferenceEquals(row.Catalog, catalog) ? row.Numbers[index] : row[feature]
            : row => ReferenceEquals(row.Catalog, catalog) ? row.Categories[index] : row[feature];
    }

    /// <summary>A reader of an ICP fit feature (firmographic, <see cref="IcpFeatureCatalog"/>) of an account.</summary>
    public static Func<AccountFeatureRow, FeatureValue> AccountColumn(string feature)
    {
        if (IsNumericAccountFeature(feature))
        {
            var number = IcpFeatureCatalog.FirmographicNumeric(feature);
            return row => number(row);
        }

        var text = IcpFeatureCatalog.Categorical(feature);
        return row => text(row);
    }

    /// <summary>Whether an ICP fit feature is numeric.</summary>
    public static bool IsNumericAccountFeature(string feature) => IcpFeatureCatalog.FirmographicNumericNames.Contains(feature);

    private static long[] Numbers<T>(BinnedColumn column, IReadOnlyList<T> rows, Func<T, FeatureValue> read) =>
        column.Count(rows, row => (double)read(row).Number);

    private static long[] Texts<T>(BinnedColumn column, IReadOnlyList<T> rows, Func<T, FeatureValue> read) =>
        column.Count(rows, row => read(row).Text);
}
