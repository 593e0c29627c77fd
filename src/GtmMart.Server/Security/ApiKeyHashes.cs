using System.Security.Cryptography;
using System.Text;

namespace GtmMart.Server.Security;

/// <summary>
/// The accepted API keys, held only as SHA-256 hashes. A presented key is hashed and compared with every configured
/// hash in constant time, so neither the comparison time nor the configuration reveals a key.
/// </summary>
public sealed class ApiKeyHashes
{
    private readonly byte[][] hashes;

    public ApiKeyHashes(IEnumerable<string> hexHashes)
    {
        ArgumentNullException.ThrowIfNull(hexHashes);
        var parsed = new List<byte[]>();
        foreach (var raw in hexHashes.SelectMany(h => h.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (raw.Length != 64)
            {
                throw new ArgumentException("an API key hash must be 64 hex characters (SHA-256); got one of length " + raw.Length);
            }

            try
            {
                parsed.Add(Convert.FromHexString(raw));
            }
            catch (FormatException)
            {
                throw new ArgumentException("an API key hash is not valid hex");
            }
        }

        hashes = [.. parsed];
    }

    /// <summary>Number of configured keys.</summary>
    public int Count => hashes.Length;

    /// <summary>The SHA-256 hex hash of a key, as it goes into <c>GTM_API_KEY_HASHES</c>.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>True when <paramref name="key"/> hashes to one of the configured hashes (constant-time per hash, no early exit).</summary>
    public bool Accepts(string key)
    {
        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), presented);
        var match = false;
        foreach (var hash in hashes)
        {
            match |= CryptographicOperations.FixedTimeEquals(presented, hash);
        }

        return match;
    }
}
