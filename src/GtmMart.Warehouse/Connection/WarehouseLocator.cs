using System.Data.Common;
using GtmMart.Warehouse.Snowflake;

namespace GtmMart.Warehouse.Connection;

/// <summary>
/// Resolves which warehouse a command works on: --warehouse, then GTM_WAREHOUSE, then the default file. The value
/// <c>snowflake</c> selects Snowflake (connection from <see cref="SnowflakeSettings"/>); anything else is a DuckDB file.
/// </summary>
public static class WarehouseLocator
{
    public const string EnvironmentVariable = "GTM_WAREHOUSE";
    public const string Snowflake = "snowflake";

    public static readonly string DefaultPath = Path.Combine(".gtm", "warehouse.duckdb");

    public static IWarehouse Resolve(string? option) =>
        Resolve(option, SnowflakeProvider.Factory, Environment.GetEnvironmentVariable);

    /// <summary>With the Snowflake provider (null: not in this build) and environment given, for tests.</summary>
    public static IWarehouse Resolve(string? option, DbProviderFactory? snowflakeFactory, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var value = !string.IsNullOrWhiteSpace(option) ? option : environment(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            value = DefaultPath;
        }

        if (value.Equals(Snowflake, StringComparison.OrdinalIgnoreCase))
        {
            if (snowflakeFactory is null)
            {
                throw new WarehouseException(SnowflakeProvider.NotInThisBuild);
            }

            return new SnowflakeWarehouse(snowflakeFactory, SnowflakeSettings.Resolve(environment), Path.GetDirectoryName(Path.GetFullPath(DefaultPath))!);
        }

        return new DuckDbWarehouse(value);
    }
}
