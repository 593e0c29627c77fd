using GtmMart.Scoring.Registry;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Server;

/// <summary>How <see cref="GtmServer.Build"/> sets up the gRPC host.</summary>
public sealed record ServerOptions
{
    /// <summary>
    /// Environment variable holding the accepted API keys: SHA-256 hex hashes separated by ';' (or ','), each
    /// optionally followed by ':' and its comma-separated scopes (docs/SERVING.md, API keys and scopes).
    /// </summary>
    public const string ApiKeyHashesVariable = "GTM_API_KEY_HASHES";

    /// <summary>Configuration key with the same content as <see cref="ApiKeyHashesVariable"/> (string or array).</summary>
    public const string ApiKeyHashesConfigKey = "Gtm:ApiKeyHashes";

    /// <summary>The warehouse features are loaded from and scores written to.</summary>
    public required IWarehouse Warehouse { get; init; }

    /// <summary>The model registry whose active versions are served.</summary>
    public required ModelRegistry Registry { get; init; }

    /// <summary>Addresses to listen on, e.g. <c>http://127.0.0.1:5080</c>; port 0 picks a free port. Empty: Kestrel configuration.</summary>
    public IReadOnlyList<string> Urls { get; init; } = [];

    /// <summary>
    /// REST addresses (HTTP/1.1, JSON transcoding of the gtm.v1 routes, OpenAPI at /openapi/v1.json, Prometheus
    /// metrics at /metrics), e.g. <c>http://127.0.0.1:5081</c>. Empty: no REST endpoint.
    /// </summary>
    public IReadOnlyList<string> RestUrls { get; init; } = [];

    /// <summary>Calls per second each API key may make (a token bucket of that many calls); 0: no limit.</summary>
    public int RateLimitPerSecond { get; init; }

    /// <summary>
    /// Accepted API keys: SHA-256 hex hashes, each optionally with scopes (<c>hash:scores:read,models:admin</c>; see
    /// <see cref="Security.ApiKeyHashes"/>); null reads the environment variable and configuration.
    /// </summary>
    public IReadOnlyList<string>? ApiKeyHashes { get; init; }

    /// <summary>Load features and models in the background once the host starts (false: the caller calls ServingState.Load).</summary>
    public bool LoadOnStart { get; init; } = true;

    /// <summary>Largest accepted request message.</summary>
    public int MaxReceiveMessageSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Most ids accepted in one request.</summary>
    public int MaxIdsPerRequest { get; init; } = 10_000;

    /// <summary>
    /// Most scores of known ids kept, per served models and feature snapshot (0: no cache, every call runs the model).
    /// About 0.7 KB each; the cache is dropped whenever the models or the features change.
    /// </summary>
    public int ScoreCacheCapacity { get; init; } = 100_000;

    /// <summary>
    /// Fill each new score cache in the background with the known ids' scores (open opportunities first), so a request
    /// for a known id is a lookup; false: the cache keeps only the scores requests computed.
    /// </summary>
    public bool PrefillScores { get; init; } = true;

    /// <summary>How long shutdown waits for in-flight calls.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Extra logging set-up after the server's own (e.g. a provider that captures the log in a test).</summary>
    public Action<Microsoft.Extensions.Logging.ILoggingBuilder>? Logging { get; init; }

    /// <summary>Extra command-line style arguments for the host's configuration (e.g. <c>--Kestrel:...</c>).</summary>
    public IReadOnlyList<string> Args { get; init; } = [];
}
