namespace GtmMart.Server.Security;

/// <summary>
/// What an API key may do. Each key in <c>GTM_API_KEY_HASHES</c> carries scopes (docs/SERVING.md, "API keys and
/// scopes"); a key listed without scopes gets <see cref="ScoresRead"/> only.
/// </summary>
public static class Scopes
{
    /// <summary>Scoring, reporting and reading the registry: every gtm.v1 rpc except the two below.</summary>
    public const string ScoresRead = "scores:read";

    /// <summary>gtm.v1.ModelService/ReloadModels: swap the served models.</summary>
    public const string ModelsAdmin = "models:admin";

    /// <summary>gtm.v1.WriteBackService/WriteBackScores: score everything and write it to the warehouse.</summary>
    public const string WriteBackRun = "writeback:run";

    /// <summary>Every scope, in the order the docs list them.</summary>
    public static IReadOnlyList<string> All { get; } = [ScoresRead, ModelsAdmin, WriteBackRun];

    /// <summary>What a key listed without scopes may do (read-only: it can neither reload models nor write back).</summary>
    public static IReadOnlyList<string> Default { get; } = [ScoresRead];

    /// <summary>The scope a gtm.v1 method needs, from its service and method names.</summary>
    public static string Required(string service, string method) => (service, method) switch
    {
        ("gtm.v1.ModelService", "ReloadModels") => ModelsAdmin,
        ("gtm.v1.WriteBackService", "WriteBackScores") => WriteBackRun,
        _ => ScoresRead,
    };
}
