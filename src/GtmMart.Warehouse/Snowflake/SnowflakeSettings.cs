using System.Data.Common;
using System.Text.Json;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Snowflake;

/// <summary>
/// Where a Snowflake connection comes from: <c>GTM_SNOWFLAKE_CONNECTION</c> (a standard Snowflake.Data connection
/// string: <c>account=...;user=...;password=...</c>, or key-pair <c>authenticator=snowflake_jwt;private_key_file=...</c>),
/// else the file named by <c>GTM_SNOWFLAKE_CONFIG</c> (default <c>.gtm/snowflake.json</c>) holding
/// <c>{"connection": "..."}</c> or the connection string's keys as properties. Nothing secret is ever shown.
/// </summary>
public sealed class SnowflakeSettings
{
    private SnowflakeSettings(string connectionString) => ConnectionString = connectionString;

    /// <summary>The connection string itself: hand it to the provider only, never to a message.</summary>
    public string ConnectionString { get; }

    public const string ConnectionVariable = "GTM_SNOWFLAKE_CONNECTION";
    public const string ConfigVariable = "GTM_SNOWFLAKE_CONFIG";

    private static readonly string[] RequiredKeys = ["account", "user"];

    public static readonly string DefaultConfigPath = Path.Combine(".gtm", "snowflake.json");

    /// <summary>Reads the settings from the environment or the config file; throws a secret-free error when absent or unusable.</summary>
    public static SnowflakeSettings Resolve(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var fromVariable = environment(ConnectionVariable);
        if (!string.IsNullOrWhiteSpace(fromVariable))
        {
            return Parse(fromVariable, ConnectionVariable);
        }

        var path = environment(ConfigVariable) is { Length: > 0 } configured ? configured : DefaultConfigPath;
        if (!File.Exists(path))
        {
            throw new WarehouseException(
                $"No Snowflake connection: set {ConnectionVariable} to a Snowflake connection string or write {path} (see docs/SNOWFLAKE.md).");
        }

        return Parse(FromConfigFile(path), path);
    }

    /// <summary>Checks a connection string (it parses and names an account and a user) without showing any value of it.</summary>
    public static SnowflakeSettings Parse(string connectionString, string origin)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        DbConnectionStringBuilder builder;
        try
        {
            builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            // The parser's message quotes the string; say only where it came from.
            throw new WarehouseException($"The Snowflake connection string in {origin} is not a valid key=value;... list.");
        }

        var missing = RequiredKeys.Where(k => !builder.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            throw new WarehouseException($"The Snowflake connection string in {origin} has no {string.Join(" or ", missing)}.");
        }

        return new SnowflakeSettings(connectionString);
    }

    /// <summary><c>snowflake:account/db.schema as user</c>: safe to print.</summary>
    public string DisplayName
    {
        get
        {
            var b = new DbConnectionStringBuilder { ConnectionString = ConnectionString };
            string Get(string key) => b.TryGetValue(key, out var v) ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "" : "";
            return $"snowflake:{Get("account")}/{Get("db")}.{Get("schema")} as {Get("user")}";
        }
    }

    /// <summary>A message with every secret of this connection masked.</summary>
    public string Redact(string text) => SnowflakeSecrets.Redact(text, ConnectionString);

    public override string ToString() => SnowflakeSecrets.RedactConnectionString(ConnectionString);

    private static string FromConfigFile(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.TryGetProperty("connection", out var connection) && connection.ValueKind == JsonValueKind.String)
            {
                return connection.GetString() ?? "";
            }

            var builder = new DbConnectionStringBuilder();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                builder[property.Name] = property.Value.ToString();
            }

            return builder.ConnectionString;
        }
        catch (JsonException)
        {
            throw new WarehouseException($"{path} is not valid JSON; expected {{\"connection\": \"account=...;user=...\"}} or the connection keys as properties.");
        }
    }
}
