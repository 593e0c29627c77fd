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

    public DbConnection Open() => Open(readOnly: false);

    /// <summary>Opens the file in DuckDB's read-only access mode: any statement that would change it fails.</summary>
    public DbConnection OpenReadOnly() => Open(readOnly: true);

    private DbConnection Open(bool readOnly)
    {
        var directory = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connection = Factory.CreateConnection()
            ?? throw new InvalidOperationException("The DuckDB provider returned no connection.");
        connection.ConnectionString = $"Data Source={DatabasePath}" + (readOnly ? ";ACCESS_MODE=READ_ONLY" : "");
        try
        {
            connection.Open();
            connection.Execute("set memory_limit = $limit", ("limit", MemoryLimit));
            connection.Execute("set temp_directory = $dir", ("dir", DatabasePath + ".tmp"));
        }
        catch (Exception ex) when (ex is DuckDBException or IOException or DbException)
        {
            connection.Dispose();
            throw new WarehouseException(
                $"Cannot open the warehouse {DatabasePath}: {FirstLine(ex.Message)} " +
                "(DuckDB allows one writing process per file; is another gtm process using it?)", ex);
        }

        return connection;
    }

    /// <summary>
    /// DuckDB's memory limit for every connection (it spills to a temp folder beside the database beyond it):
    /// <c>GTM_DUCKDB_MEMORY_LIMIT</c>, default 8 GiB, so a build of 100M sessions stays well under 12 GiB on a 24 GiB machine.
    /// </summary>
    public static string MemoryLimit => Environment.GetEnvironmentVariable("GTM_DUCKDB_MEMORY_LIMIT") is { Length: > 0 } limit ? limit : DefaultMemoryLimit;

    public const string DefaultMemoryLimit = "8GiB";

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
