using System.IO.Compression;
using System.Text.Json;
using GtmMart.Scoring.Features;
using Microsoft.ML;

namespace GtmMart.Scoring.Opportunity;

/// <summary>
/// What the scorer needs besides the ML.NET model, stored as an extra JSON entry inside the model zip
/// (ML.NET ignores entries it does not know).
/// </summary>
public sealed record OpportunityModelMetadata
{
    public const string LightGbm = "LightGbm";
    public const string FastTree = "FastTree";
    public const string LogisticRegression = "LbfgsLogisticRegression";

    /// <summary>True for the boosted tree ensembles (<see cref="LightGbm"/>, <see cref="FastTree"/>).</summary>
    public static bool IsBoosted(string algorithm) => algorithm is LightGbm or FastTree;

    /// <summary><see cref="LightGbm"/>, <see cref="FastTree"/> or <see cref="LogisticRegression"/>.</summary>
    public string Algorithm { get; init; } = FastTree;

    public IReadOnlyList<string> CategoricalFeatures { get; init; } = [];

    public IReadOnlyList<string> NumericFeatures { get; init; } = [];

    /// <summary>Numeric features that also got a missing indicator.</summary>
    public IReadOnlyList<string> MissingIndicators { get; init; } = [];

    /// <summary>The typical deal of the training rows, the reference of every reason (null in models trained before reasons had one).</summary>
    public TypicalDeal? TypicalDeal { get; init; }

    public DateTime TrainedOnThrough { get; init; }

    public int TrainingRows { get; init; }
}

/// <summary>
/// The typical deal of a model's training rows, the reference each reason is measured against: for each feature the
/// model uses, the median of the numeric ones (missing when most training rows have no value) and the most frequent
/// value of the categorical ones (ties to the first in ordinal order), over the rows the final model was fitted on.
/// Per-feature medians of nested windows stay nested (a 7-day count's median is at most the 30-day count's).
/// </summary>
public sealed record TypicalDeal
{
    public const string Rule = "the typical deal of the final model's training rows: for each feature, the median (lower middle value; missing when most rows have none) of a numeric one, the most frequent value of a categorical one. A reason's contribution is the change in win log-odds from setting its family to these values.";

    /// <summary>Median by numeric feature; null for missing.</summary>
    public IReadOnlyDictionary<string, double?> Numbers { get; init; } = new Dictionary<string, double?>();

    /// <summary>Most frequent value by categorical feature.</summary>
    public IReadOnlyDictionary<string, string> Categories { get; init; } = new Dictionary<string, string>();

    /// <summary>Of <paramref name="rows"/>, for the given features.</summary>
    public static TypicalDeal Of(IReadOnlyList<OpportunityFeatureRow> rows, OpportunityFeatureCatalog catalog, IEnumerable<string> numeric, IEnumerable<string> categorical)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(catalog);
        var numbers = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var f in numeric)
        {
            var i = catalog.IndexOf(f);
            var present = rows.Select(r => r.Numbers[i]).Where(v => !float.IsNaN(v)).Order().ToArray();
            numbers[f] = present.Length * 2 <= rows.Count ? null : present[(present.Length - 1) / 2];
        }

        var categories = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in categorical)
        {
            var i = catalog.IndexOf(f);
            categories[f] = rows.GroupBy(r => r.Categories[i] ?? "", StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => g.Key).FirstOrDefault() ?? "";
        }

        return new TypicalDeal { Numbers = numbers, Categories = categories };
    }

    /// <summary>The typical deal as a row of <paramref name="catalog"/> (features it does not name are missing or empty).</summary>
    public OpportunityFeatureRow ToRow(OpportunityFeatureCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var row = new OpportunityFeatureRow(catalog) { OpportunityId = "typical deal" };
        row.Numbers.Fill(float.NaN);
        foreach (var (f, v) in Numbers.Where(n => catalog.IsNumeric(n.Key)))
        {
            row.Numbers[catalog.IndexOf(f)] = v is { } x ? (float)x : float.NaN;
        }

        foreach (var (f, v) in Categories.Where(c => catalog.IsCategorical(c.Key)))
        {
            row.Categories[catalog.IndexOf(f)] = v;
        }

        return row;
    }
}

/// <summary>Saves and loads an opportunity model zip (ML.NET model + <see cref="OpportunityModelMetadata"/>).</summary>
public static class OpportunityModelFile
{
    public const string MetadataEntry = "GtmMart/opportunity_model.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static void Save(MLContext mlContext, ITransformer model, DataViewSchema inputSchema, OpportunityModelMetadata metadata, string path)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        mlContext.Model.Save(model, inputSchema, path);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        zip.GetEntry(MetadataEntry)?.Delete();
        var entry = zip.CreateEntry(MetadataEntry);
        using var stream = entry.Open();
        JsonSerializer.Serialize(stream, metadata, Json);
    }

    /// <summary>Loads the model; the metadata is null when the zip has none (a plain ML.NET save).</summary>
    public static (ITransformer Model, DataViewSchema InputSchema, OpportunityModelMetadata? Metadata) Load(MLContext mlContext, string path)
    {
        ArgumentNullException.ThrowIfNull(mlContext);

        // A LightGBM model's loader lives in Microsoft.ML.LightGbm, which ML.NET only finds once it is registered.
        mlContext.ComponentCatalog.RegisterAssembly(typeof(Microsoft.ML.Trainers.LightGbm.LightGbmBinaryModelParameters).Assembly);
        var model = mlContext.Model.Load(path, out var schema);
        OpportunityModelMetadata? metadata = null;
        using (var zip = ZipFile.OpenRead(path))
        {
            var entry = zip.GetEntry(MetadataEntry);
            if (entry is not null)
            {
                using var stream = entry.Open();
                metadata = JsonSerializer.Deserialize<OpportunityModelMetadata>(stream, Json);
            }
        }

        return (model, schema, metadata);
    }
}
