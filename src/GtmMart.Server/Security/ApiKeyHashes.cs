using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GtmMart.Server.Security;

/// <summary>One accepted key: its SHA-256 hash, what it may do, and a label for logs and rate limits (never the key).</summary>
public sealed record ApiKey(string Label, IReadOnlySet<string> Scopes)
{
    internal byte[] Hash { get; init; } = [];

    public bool Allows(string scope) => Scopes.Contains(scope);
}

/// <summary>
/// The accepted API keys, held only as SHA-256 hashes with their scopes. A presented key is hashed and compared with
/// every configured hash in constant time, so neither the comparison time nor the configuration reveals a key.
/// </summary>
/// <remarks>
/// Format (<c>GTM_API_KEY_HASHES</c>): keys separated by <c>;</c>, each a 64-hex SHA-256 hash optionally followed by
/// <c>:</c> and comma-separated scopes, e.g. <c>3f..a1:scores:read,models:admin;9c..07</c>. A hash without scopes gets
/// <see cref="Scopes.Default"/>. The older comma-separated list of bare hashes (<c>h1,h2</c>) still reads the same: a
/// token that is a hash starts a new key, a token that is a scope adds to the key before it.
/// </remarks>
public sealed class ApiKeyHashes
{
    private const int HexLength = 64;
    private readonly ApiKey[] keys;

    public ApiKeyHashes(IEnumerable<string> configured)
    {
        ArgumentNullException.ThrowIfNull(configured);
        var parsed = new List<(byte[] Hash, HashSet<string> Scopes)>();
        foreach (var entry in configured.SelectMany(c => c.Split(';')))
        {
            (byte[] Hash, HashSet<string> Scopes)? current = null;
            foreach (var token in entry.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (IsHashToken(token))
                {
                    current = (Convert.FromHexString(token.AsSpan(0, HexLength)), new HashSet<string>(StringComparer.Ordinal));
                    parsed.Add(current.Value);
                    if (token.Length > HexLength)
                    {
                        AddScope(current.Value.Scopes, token[(HexLength + 1)..]);
                    }
                }
                else if (current is { } key && token.Contains(':', StringComparison.Ordinal))
                {
                    AddScope(key.Scopes, token);
                }
                else
                {
                    throw new ArgumentException(
                        $"{ServerOptions.ApiKeyHashesVariable}: an API key hash must be 64 hex characters (SHA-256), optionally followed by ':' and scopes; got a value of {token.Length} characters");
                }
            }
        }

        keys = [.. parsed.Select((p, i) => new ApiKey(
            "key" + (i + 1).ToString(CultureInfo.InvariantCulture),
            p.Scopes.Count == 0 ? new HashSet<string>(Scopes.Default, StringComparer.Ordinal) : p.Scopes) { Hash = p.Hash })];
    }

    /// <summary>Number of configured keys.</summary>
    public int Count => keys.Length;

    /// <summary>The configured keys (labels and scopes; no key material beyond the hash).</summary>
    public IReadOnlyList<ApiKey> Keys => keys;

    /// <summary>The SHA-256 hex hash of a key, as it goes into <c>GTM_API_KEY_HASHES</c>.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A <c>GTM_API_KEY_HASHES</c> entry for <paramref name="key"/> with these scopes.</summary>
    public static string Entry(string key, params IEnumerable<string> scopes) => Hash(key) + ":" + string.Join(',', scopes);

    /// <summary>True when <paramref name="key"/> hashes to one of the configured hashes (constant-time per hash, no early exit).</summary>
    public bool Accepts(string key) => Find(key) is not null;

    /// <summary>The configured key <paramref name="key"/> hashes to, or null (constant-time per hash, no early exit).</summary>
    public ApiKey? Find(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), presented);
        ApiKey? match = null;
        foreach (var candidate in keys)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, candidate.Hash))
            {
                match = candidate;
            }
        }

        return match;
    }

    private static bool IsHashToken(string token) =>
        token.Length >= HexLength && (token.Length == HexLength || token[HexLength] == ':') && token.AsSpan(0, HexLength).ContainsAnyExcept(HexDigits) is false;

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    private static void AddScope(HashSet<string> scopes, string scope)
    {
        scope = scope.Trim();
        if (!Scopes.All.Contains(scope, StringComparer.Ordinal))
        {
            throw new ArgumentException($"{ServerOptions.ApiKeyHashesVariable}: unknown scope '{Bounded(scope)}' (known: {string.Join(", ", Scopes.All)})");
        }

        scopes.Add(scope);
    }

    private static string Bounded(string text) => text.Length <= 32 ? text : text[..32] + "…";
}
