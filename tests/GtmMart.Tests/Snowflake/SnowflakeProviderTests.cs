using GtmMart.Tests.Support;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Snowflake;

namespace GtmMart.Tests.Snowflake;

/// <summary>Choosing Snowflake: the switch, the connection settings, and that no secret reaches a message.</summary>
public sealed class SnowflakeProviderTests
{
    private const string Secret = "hunter2-Sup3rSecret";
    private static readonly string Connection = $"account=acme-eu1;user=gtm_build;password={Secret};db=GTM;schema=PUBLIC;warehouse=GTM_WH;role=GTM_BUILD";

    private static Func<string, string?> Env(params (string Key, string Value)[] values) =>
        key => values.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void Without_the_switch_choosing_snowflake_fails_at_once_saying_how_to_enable_it()
    {
        var error = Assert.Throws<WarehouseException>(() =>
            WarehouseLocator.Resolve("snowflake", snowflakeFactory: null, Env((SnowflakeSettings.ConnectionVariable, Connection))));

        Assert.Contains("dotnet build -p:WithSnowflake=true", error.Message, StringComparison.Ordinal);
    }

#if !WITH_SNOWFLAKE
    [Fact]
    public void The_default_build_has_no_snowflake_provider_and_gtm_says_how_to_enable_it()
    {
        Assert.Null(SnowflakeProvider.Factory);
        using var dir = new TempDirectory();

        var result = GtmProcess.Run(dir.Path, new Dictionary<string, string> { [SnowflakeSettings.ConnectionVariable] = Connection }, "build", "--warehouse", "snowflake");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: The Snowflake warehouse is not part of this build: rebuild with `dotnet build -p:WithSnowflake=true`", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, result.All, StringComparison.Ordinal);
    }
#endif

    [Fact]
    public void With_a_provider_snowflake_is_selected_by_option_or_by_GTM_WAREHOUSE()
    {
        var factory = new RecordingFactory();
        var env = Env((SnowflakeSettings.ConnectionVariable, Connection), (WarehouseLocator.EnvironmentVariable, "SNOWFLAKE"));

        var byOption = WarehouseLocator.Resolve("snowflake", factory, Env((SnowflakeSettings.ConnectionVariable, Connection)));
        var byVariable = WarehouseLocator.Resolve(null, factory, env);
        var duck = WarehouseLocator.Resolve("x.duckdb", factory, env);

        Assert.IsType<SnowflakeWarehouse>(byOption);
        Assert.IsType<SnowflakeWarehouse>(byVariable);
        Assert.IsType<SnowflakeDialect>(byOption.Dialect);
        Assert.Equal("snowflake:acme-eu1/GTM.PUBLIC as gtm_build", byOption.DisplayName);
        Assert.IsType<DuckDbWarehouse>(duck);
    }

    [Fact]
    public void Without_connection_settings_the_error_names_the_variable()
    {
        var error = Assert.Throws<WarehouseException>(() =>
            WarehouseLocator.Resolve("snowflake", new RecordingFactory(), Env((SnowflakeSettings.ConfigVariable, "/nonexistent/snowflake.json"))));

        Assert.Contains(SnowflakeSettings.ConnectionVariable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_pair_settings_come_from_the_config_file()
    {
        using var dir = new TempDirectory();
        var config = dir.File("snowflake.json");
        File.WriteAllText(config, """{"account": "acme-eu1", "user": "gtm_svc", "authenticator": "snowflake_jwt", "private_key_file": "/keys/gtm.p8", "private_key_pwd": "K3yPassw0rd!"}""");

        var settings = SnowflakeSettings.Resolve(Env((SnowflakeSettings.ConfigVariable, config)));

        Assert.Contains("authenticator=snowflake_jwt", settings.ConnectionString, StringComparison.Ordinal);
        Assert.Contains("private_key_file=/keys/gtm.p8", settings.ConnectionString, StringComparison.Ordinal);
        Assert.DoesNotContain("K3yPassw0rd!", settings.ToString(), StringComparison.Ordinal);
        Assert.Contains("private_key_pwd=***", settings.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_connection_string_gives_an_error_without_the_secret()
    {
        var malformed = $"account=acme;user=u;password={Secret};role='unterminated";

        var error = Assert.Throws<WarehouseException>(() => SnowflakeSettings.Parse(malformed, SnowflakeSettings.ConnectionVariable));

        Assert.Contains(SnowflakeSettings.ConnectionVariable, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
        Assert.Contains(Secret, SnowflakeSecrets.Values(malformed)); // still known, so still masked elsewhere
    }

    [Fact]
    public void A_connection_error_that_quotes_the_connection_string_is_shown_masked()
    {
        var factory = new RecordingFactory { OpenError = new InvalidOperationException($"Login failed for connection '{Connection}'\nstack") };
        var warehouse = new SnowflakeWarehouse(factory, SnowflakeSettings.Parse(Connection, "test"), Path.GetTempPath());

        var error = Assert.Throws<WarehouseException>(() => warehouse.Open());

        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
        Assert.Contains("password=***", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Cannot connect to snowflake:acme-eu1/GTM.PUBLIC as gtm_build", error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
    }

    [Fact]
    public void Redaction_masks_every_secret_key_and_leaves_the_rest()
    {
        const string cs = "account=a;user=u;password=p4ss;token=t0ken;private_key_pwd=kpw;passcode=123456;role=R";

        var text = SnowflakeSecrets.Redact("p4ss t0ken kpw 123456 a u R", cs);

        Assert.Equal("*** *** *** *** a u R", text);
        Assert.Equal("account=a;user=u;password=***;token=***;private_key_pwd=***;passcode=***;role=R", SnowflakeSecrets.RedactConnectionString(cs));
    }
}
