using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GtmMart.Server.Services;

/// <summary>
/// Opaque page tokens: base64url of the ranking's key, a hash of the filters and the offset. A token is valid only for
/// the ranking it came from (ABORTED once the served models or features change, or for the score changes once a new
/// run is written) and with the same filters.
/// </summary>
internal static class PageToken
{
    private const string Version = "p1";

    public static string Write(string rankingKey, string filterKey, int offset) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('\n', Version, Hash(rankingKey), Hash(filterKey), offset.ToString(CultureInfo.InvariantCulture))));

    /// <summary>The offset a token continues at; INVALID_ARGUMENT for a token this server did not issue or other filters, ABORTED for an older ranking.</summary>
    public static int Read(string token, string rankingKey, string filterKey) =>
        Read(token, rankingKey, filterKey, "tiers, region and owner_id", "the ranking changed since this page token was issued (models or features were reloaded)");

    /// <summary>
    /// The offset a token continues at: INVALID_ARGUMENT for a token this server did not issue or one issued with
    /// other <paramref name="filters"/> (named in the message), ABORTED (saying <paramref name="changed"/>) when the
    /// listing's <paramref name="rankingKey"/> is no longer the token's.
    /// </summary>
    public static int Read(string token, string rankingKey, string filterKey, string filters, string changed)
    {
        string[] parts;
        try
        {
            parts = token.Length > 512 ? [] : Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('\n');
        }
        catch (FormatException)
        {
            parts = [];
        }

        if (parts.Length != 4 || parts[0] != Version || !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            throw RpcErrors.InvalidArgument("page_token", "is not a page token this server issued: pass next_page_token unchanged, or leave it empty for the first page");
        }

        if (parts[2] != Hash(filterKey))
        {
            throw RpcErrors.InvalidArgument("page_token", $"was issued for other filters: send the same {filters} with it");
        }

        return parts[1] == Hash(rankingKey) ? offset
            : throw RpcErrors.Aborted($"{changed}: start again without a page token");
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 8));
}
