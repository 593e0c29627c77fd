using System.ComponentModel;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Models;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

/// <summary>Options shared by every command that touches the warehouse.</summary>
public class WarehouseSettings : CommandSettings
{
    public const string SqlDirVariable = "GTM_SQL_DIR";

    [CommandOption("-w|--warehouse <PATH>")]
    [Description("Warehouse: a DuckDB file, or 'snowflake' (connection from $GTM_SNOWFLAKE_CONNECTION; needs a -p:WithSnowflake=true build). Default: $GTM_WAREHOUSE, else .gtm/warehouse.duckdb")]
    public string? Warehouse { get; init; }

    [CommandOption("--sql-dir <DIR>")]
    [Description("Folder holding the staging/core/mart models. Default: $GTM_SQL_DIR, else ./sql, else the copy shipped with gtm")]
    public string? SqlDir { get; init; }

    /// <summary>The warehouse, which must exist: every command but <c>load</c> and <c>run</c> reads one and creates none.</summary>
    public IWarehouse OpenWarehouse()
    {
        var warehouse = WarehouseLocator.Resolve(Warehouse);
        WarehouseReadiness.RequireExists(warehouse);
        return warehouse;
    }

    /// <summary>The warehouse, created by the first load when it does not exist yet (<c>load</c> and <c>run</c> only).</summary>
    public IWarehouse OpenOrCreateWarehouse() => WarehouseLocator.Resolve(Warehouse);

    /// <summary>The model registry: <paramref name="option"/> (--models), then $GTM_MODELS, then the warehouse's own.</summary>
    public static string ResolveModels(string? option, IWarehouse warehouse)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        return !string.IsNullOrWhiteSpace(option) ? option
            : Environment.GetEnvironmentVariable(GtmMart.Scoring.Registry.ModelRegistry.EnvironmentVariable) is { Length: > 0 } env ? env
            : warehouse.DefaultModelsDirectory;
    }

    public ModelCatalog LoadCatalog() => ModelCatalog.Load(ResolveSqlDirectory());

    /// <summary>The SQL folder: --sql-dir, then $GTM_SQL_DIR, then ./sql, then the copy shipped beside gtm.</summary>
    public string ResolveSqlDirectory()
    {
        var candidates = new[]
        {
            SqlDir,
            Environment.GetEnvironmentVariable(SqlDirVariable),
            Directory.Exists(Path.Combine("sql", "staging")) ? "sql" : null,
            Path.Combine(AppContext.BaseDirectory, "sql"),
        };
        return candidates.First(c => !string.IsNullOrWhiteSpace(c))!;
    }
}
