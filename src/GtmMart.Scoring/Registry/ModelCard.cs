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

    /// <summary>A trained model or a baseline (cards written before baselines existed read as models).</summary>
    public ModelKind Kind { get; init; } = ModelKind.Model;

    /// <summary>Content hash of the feature snapshot the model was trained from.</summary>
    public required string DataHash { get; init; }

    /// <summary>
    /// The warehouse the snapshot was exported from, as printed by the product: <c>duckdb:/path/warehouse.duckdb</c>
    /// or <c>snowflake:account/database.schema as user</c> (never a secret). Null on cards written before it was kept.
    /// </summary>
    public string? SourceWarehouse { get; init; }

    /// <summary>The published build of <see cref="SourceWarehouse"/> the snapshot was exported from.</summary>
    public long? SourceBuildId { get; init; }

    public required JsonObject DataWindow { get; init; }

    public required JsonObject RowCounts { get; init; }

    public required JsonObject ClassBalance { get; init; }

    public required IReadOnlyList<string> Features { get; init; }

    public JsonObject DroppedFeatures { get; init; } = [];

    public required JsonObject Hyperparameters { get; init; }

    public required JsonObject Metrics { get; init; }

    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// How the model's scores are explained (opportunity model): the reference every reason is measured against (the
    /// typical deal of the training rows and the rule that made it) and the feature families reasons are given for.
    /// </summary>
    public JsonObject? Reasons { get; init; }

    /// <summary>Headline figures for listings (e.g. holdout AUC, ECE), already formatted.</summary>
    public IReadOnlyDictionary<string, string> Headline { get; init; } = new Dictionary<string, string>();

    /// <summary>The promotion gate's decision (null for baselines and for cards written before the gate existed).</summary>
    public GateDecision? Gate { get; init; }

    /// <summary>For a baseline: what it is, in one sentence (e.g. the overall win rate it falls back to).</summary>
    public string? BaselineDescription { get; init; }

    /// <summary>Can this version's scores be trusted: the gate's verdict, <see cref="TrustVerdict.BaselineOnly"/> for a baseline.</summary>
    [JsonIgnore]
    public TrustVerdict Trust => Kind == ModelKind.Baseline ? TrustVerdict.BaselineOnly : Gate?.Verdict ?? TrustVerdict.NotAssessed;

    /// <summary>The verdict's reason in one sentence.</summary>
    [JsonIgnore]
    public string TrustReason => Kind == ModelKind.Baseline
        ? BaselineDescription ?? "A baseline, not a model."
        : Gate?.VerdictReason ?? "Trained before the promotion gate existed, so it was never assessed; retrain to assess it.";

    /// <summary>
    /// Snake-case names and enum values; a non-finite number (an AUC that is undefined on one class, say) is written
    /// as null and read back as NaN, since JSON has no NaN or infinity.
    /// </summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new SnakeCaseEnumConverter<ModelKind>(), new SnakeCaseEnumConverter<TrustVerdict>(), new JsonStringEnumConverter(), new FiniteConverter<double>(), new FiniteConverter<float>() },
    };

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    public static ModelCard Read(string path) =>
        JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(path), Json)
        ?? throw new InvalidDataException($"{path}: not a model card");

    /// <summary>Turns any serializable value (metrics records, option records) into a JSON object for the card.</summary>
    public static JsonObject ToJson<T>(T value) =>
        JsonSerializer.SerializeToNode(value, Json) as JsonObject ?? [];
}

/// <summary>Writes NaN and infinities (double or float) as JSON null and reads null back as NaN.</summary>
internal sealed class FiniteConverter<T> : JsonConverter<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    public override bool HandleNull => true;

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? T.NaN
        : typeof(T) == typeof(float) ? T.CreateChecked(reader.GetSingle())
        : T.CreateChecked(reader.GetDouble());

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        if (!T.IsFinite(value))
        {
            writer.WriteNullValue();
        }
        else if (value is float single)
        {
            writer.WriteNumberValue(single);
        }
        else
        {
            writer.WriteNumberValue(double.CreateChecked(value));
        }
    }
}

/// <summary>Writes an enum as its snake_case name ("no_better_than_chance").</summary>
public sealed class SnakeCaseEnumConverter<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.SnakeCaseLower)
    where T : struct, Enum;
