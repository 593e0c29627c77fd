using System.Data.Common;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Snowflake;

/// <summary>A Snowflake account reached through an ADO.NET provider (Snowflake.Data in a <c>WithSnowflake</c> build).</summary>
public sealed class SnowflakeWarehouse : IWarehouse
{
    private readonly SnowflakeSettings settings;

    public SnowflakeWarehouse(DbProviderFactory factory, SnowflakeSettings settings, string localDirectory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(localDirectory);
        Factory = factory;
        this.settings = settings;
        LocalDirectory = Path.GetFullPath(localDirectory);
    }

    public string DisplayName => settings.DisplayName;

    public string LocalDirectory { get; }

    public string DefaultModelsDirectory => "models";

    /// <summary>A Snowflake account always exists; a missing database or schema is reported by the connection.</summary>
    public bool Exists => true;

    public DbProviderFactory Factory { get; }

    public IWarehouseDialect Dialect { get; } = new SnowflakeDialect();

    public DbConnection Open()
    {
        var connection = Factory.CreateConnection()
            ?? throw new InvalidOperationException("The Snowflake provider returned no connection.");
        // Snowflake.Data binds parameters by position: shared SQL's $name placeholders are rewritten for it.
        ParameterStyle.UsePositional(connection.GetType());
        try
        {
            connection.ConnectionString = settings.ConnectionString;
            connection.Open();
        }
        catch (Exception ex) when (ex is DbException or ArgumentException or InvalidOperationException or IOException)
        {
            connection.Dispose();
            // Provider messages may quote the connection string: mask every secret and drop the inner exception.
            throw new WarehouseException($"Cannot connect to {DisplayName}: {settings.Redact(ex.Message.Split('\n')[0].Trim())}");
        }

        return connection;
    }
}
