using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML;

namespace GtmMart.Scoring.Opportunity;

/// <summary>
/// What the scorer needs besides the ML.NET model, stored as an extra JSON entry inside the model zip
/// (ML.NET ignores entries it does not know).
/// </summary>
public sealed record OpportunityModelMetadata
{
    public const string FastTree = "FastTree";
    public const string LogisticRegression = "LbfgsLogisticRegression";

    /// <summary><see cref="FastTree"/> or <see cref="LogisticRegression"/>.</summary>
    public string Algorithm { get; init; } = FastTree;

    public IReadOnlyList<string> CategoricalFeatures { get; init; } = [];

    public IReadOnlyList<string> NumericFeatures { get; init; } = [];

    /// <summary>Numeric features that also got a missing indicator.</summary>
    public IReadOnlyList<string> MissingIndicators { get; init; } = [];

    /// <summary>Mean of each slot of the Features vector on the model's training rows (centres linear contributions).</summary>
    public IReadOnlyList<float> FeatureSlotMeans { get; init; } = [];

    public DateTime TrainedOnThrough { get; init; }

    public int TrainingRows { get; init; }
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
