using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace GtmMart.Scoring.Registry;

/// <summary>
/// What a trained model version is: its data, its settings and how well it did. Stored as
/// <c>models/&lt;model&gt;/&lt;version&gt;/model-card.json</c> beside the artifacts.
/// </summary>
public sealed record ModelCard
{
    public required string Model { get; init; }

    public string Version { get; init; } = "";

    public required DateTime CreatedAtUtc { get; init; }

    /// <summary>The code that trained it: the git commit when known, else the assembly version.</summary>
    public required string CodeVersion { get; init; }

    public required string Algorithm { get; init; }

    /// <summary>Content hash of the feature snapshot the model was trained from.</summary>
    public required string DataHash { get; init; }

    public long? SourceBuildId { get; init; }

    public required JsonObject DataWindow { get; init; }

    public required JsonObject RowCounts { get; init; }

    public required JsonObject ClassBalance { get; init; }

    public required IReadOnlyList<string> Features { get; init; }

    public JsonObject DroppedFeatures { get; init; } = [];

    public required JsonObject Hyperparameters { get; init; }

    public required JsonObject Metrics { get; init; }

    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Headline figures for listings (e.g. holdout AUC, ECE), already formatted.</summary>
    public IReadOnlyDictionary<string, string> Headline { get; init; } = new Dictionary<string, string>();

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    public static ModelCard Read(string path) =>
        JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(path), Json)
        ?? throw new InvalidDataException($"{path}: not a model card");

    /// <summary>Turns any serializable value (metrics records, option records) into a JSON object for the card.</summary>
    public static JsonObject ToJson<T>(T value) =>
        JsonSerializer.SerializeToNode(value, Json) as JsonObject ?? [];
}
