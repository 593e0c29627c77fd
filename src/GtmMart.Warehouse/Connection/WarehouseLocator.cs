namespace GtmMart.Warehouse.Connection;

/// <summary>Resolves which warehouse a command works on: --warehouse, then GTM_WAREHOUSE, then the default file.</summary>
public static class WarehouseLocator
{
    public const string EnvironmentVariable = "GTM_WAREHOUSE";

    public static readonly string DefaultPath = Path.Combine(".gtm", "warehouse.duckdb");

    public static IWarehouse Resolve(string? option)
    {
        var value = !string.IsNullOrWhiteSpace(option)
            ? option
            : Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            value = DefaultPath;
        }

        if (value.Equals("snowflake", StringComparison.OrdinalIgnoreCase))
        {
            throw new WarehouseException(
                "The Snowflake warehouse is not part of this build: rebuild with `dotnet build -p:WithSnowflake=true`.");
        }

        return new DuckDbWarehouse(value);
    }
}
