using System.Text.Json;
using GtmMart.Training.Icp;
using GtmMart.Training.Opportunity;

namespace GtmMart.Training;

/// <summary>
/// A training configuration (<c>training/configs/*.json</c>): features, hyperparameters and tier thresholds of both
/// models. Keys are snake_case; anything left out keeps the option's documented default.
/// </summary>
public sealed record TrainingConfig
{
    public const string DefaultPath = "training/configs/default.json";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public string Name { get; init; } = "default";

    public OpportunityTrainingOptions Opportunity { get; init; } = new();

    public IcpTrainingOptions Icp { get; init; } = new();

    /// <summary>Reads a config file; an unknown key or a wrong type is an error naming the file.</summary>
    public static TrainingConfig Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainingConfig>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path}: empty training config");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: invalid training config at {ex.Path}: {ex.Message.Split('.')[0]}", ex);
        }
        catch (FileNotFoundException ex)
        {
            throw new InvalidDataException($"training config not found: {Path.GetFullPath(path)}", ex);
        }
    }

    /// <summary>The config at <paramref name="path"/>, or the repository default when it exists, or built-in defaults.</summary>
    public static TrainingConfig Resolve(string? path) =>
        path is not null ? Load(path)
        : File.Exists(DefaultPath) ? Load(DefaultPath)
        : new TrainingConfig();

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
