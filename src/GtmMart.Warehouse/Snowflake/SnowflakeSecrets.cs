using System.Data.Common;
using System.Text.RegularExpressions;

namespace GtmMart.Warehouse.Snowflake;

/// <summary>
/// Keeps connection secrets (password, private key and its password, tokens, passcodes) out of messages and logs:
/// every value of a secret key in the connection string is replaced by <c>***</c> wherever it appears.
/// </summary>
public static partial class SnowflakeSecrets
{
    public const string Mask = "***";

    private static readonly HashSet<string> SecretKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "password", "private_key", "private_key_pwd", "token", "passcode", "proxypassword", "oauthclientsecret",
        "client_secret", "programmatic_access_token",
    };

    public static bool IsSecretKey(string key) => SecretKeys.Contains(key.Trim());

    /// <summary>The secret values a connection string holds (even one that does not parse, key by key).</summary>
    public static IReadOnlyList<string> Values(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var values = new List<string>();
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
            values.AddRange(builder.Keys.Cast<string>().Where(IsSecretKey).Select(k => Convert.ToString(builder[k], System.Globalization.CultureInfo.InvariantCulture) ?? ""));
        }
        catch (ArgumentException)
        {
            // Malformed: fall back to a plain key=value scan so a secret before the error is still known.
        }

        foreach (Match m in KeyValue().Matches(connectionString))
        {
            if (IsSecretKey(m.Groups["key"].Value))
            {
                values.Add(m.Groups["value"].Value.Trim().Trim('"', '\''));
            }
        }

        return values.Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length).ToList();
    }

    /// <summary><paramref name="text"/> with every secret value of <paramref name="connectionString"/> masked.</summary>
    public static string Redact(string text, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var secret in Values(connectionString))
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>The connection string with each secret value masked (safe to print).</summary>
    public static string RedactConnectionString(string connectionString) =>
        KeyValue().Replace(connectionString, m => IsSecretKey(m.Groups["key"].Value) ? $"{m.Groups["key"].Value}={Mask}" : m.Value);

    [GeneratedRegex(@"(?<key>[^;=]+)=(?<value>""[^""]*""|'[^']*'|[^;]*)")]
    private static partial Regex KeyValue();
}
