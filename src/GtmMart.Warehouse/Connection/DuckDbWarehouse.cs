using System.Data.Common;
using DuckDB.NET.Data;

namespace GtmMart.Warehouse.Connection;

/// <summary>The embedded default: one DuckDB database file.</summary>
public sealed class DuckDbWarehouse : IWarehouse
{
    public DuckDbWarehouse(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        DatabasePath = Path.GetFullPath(databasePath);
    }

    public string DatabasePath { get; }

    public string DisplayName => $"duckdb:{DatabasePath}";

    /// <summary>True for the default warehouse, <c>.gtm/warehouse.duckdb</c> under the working folder.</summary>
    public bool IsDefault => string.Equals(DatabasePath, Path.GetFullPath(WarehouseLocator.DefaultPath), StringComparison.Ordinal);

    public string LocalDirectory => IsDefault
        ? Path.GetDirectoryName(DatabasePath)!
        : Path.Combine(Path.GetDirectoryName(DatabasePath) ?? Directory.GetCurrentDirectory(), Path.GetFileNameWithoutExtension(DatabasePath));

    public string DefaultModelsDirectory => IsDefault ? "models" : Path.Combine(LocalDirectory, "models");

    public bool Exists => File.Exists(DatabasePath);

    public DbProviderFactory Factory => DuckDBClientFactory.Instance;

    public IWarehouseDialect Dialect { get; } = new DuckDbDialect();

    public DbConnection Open()
    {
        var directory = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connection = Factory.CreateConnection()
            ?? throw new InvalidOperationException("The DuckDB provider returned no connection.");
        connection.ConnectionString = $"Data Source={DatabasePath}";
        try
        {
            connection.Open();
        }
        catch (Exception ex) when (ex is DuckDBException or IOException)
        {
            connection.Dispose();
            throw new WarehouseException(
                $"Cannot open the warehouse {DatabasePath}: {FirstLine(ex.Message)} " +
                "(DuckDB allows one writing process per file; is another gtm process using it?)", ex);
        }

        return connection;
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
