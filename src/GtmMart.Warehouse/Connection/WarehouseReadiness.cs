using System.Data.Common;
using GtmMart.Warehouse.Building;

namespace GtmMart.Warehouse.Connection;

/// <summary>
/// Checks that a warehouse has what a command needs before the command touches it, so a mistyped path or a command
/// run too early gets one line naming the command to run first instead of an empty new database or a catalog error.
/// </summary>
public static class WarehouseReadiness
{
    /// <summary>Fails without creating anything when the warehouse does not exist.</summary>
    public static void RequireExists(IWarehouse warehouse)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        if (!warehouse.Exists)
        {
            throw new WarehouseException(
                $"No warehouse at {warehouse.DisplayName.Replace("duckdb:", "", StringComparison.Ordinal)}: check the path, or create it with `gtm load --raw DIR` (or `gtm run`) first.");
        }
    }

    /// <summary>Fails when no raw data has been loaded (the step <c>gtm build</c> needs).</summary>
    public static void RequireLoaded(DbConnection connection)
    {
        if (!TableExists(connection, "raw", "load_log") || !TableExists(connection, "raw", "web_analytics"))
        {
            throw new WarehouseException("Nothing has been loaded into this warehouse yet: run `gtm load --raw DIR` first.");
        }
    }

    /// <summary>Returns the published build; fails when none has been published (the step every reader of the mart needs).</summary>
    public static long RequirePublished(DbConnection connection) =>
        BuildMetadata.PublishedBuild(connection)
        ?? throw new WarehouseException(TableExists(connection, "raw", "load_log")
            ? "No mart has been published yet: run `gtm build` first."
            : "Nothing has been loaded into this warehouse yet: run `gtm load --raw DIR`, then `gtm build` first.");

    /// <summary>Opens the warehouse and checks a mart is published; the connection is closed again.</summary>
    public static long RequirePublished(IWarehouse warehouse)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        RequireExists(warehouse);
        using var connection = warehouse.Open();
        return RequirePublished(connection);
    }

    public static bool TableExists(DbConnection connection, string schema, string table) =>
        connection.Scalar<long>(
            "select count(*) from information_schema.tables where lower(table_schema) = $schema and lower(table_name) = $table",
            ("schema", schema), ("table", table)) > 0;
}
