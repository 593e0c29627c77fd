using System.Data.Common;

namespace GtmMart.Warehouse.Connection;

/// <summary>
/// A warehouse the SQL job runner can talk to: an ADO.NET provider factory, a connection string and the
/// dialect adapter that holds everything engine-specific (raw file reading, publishing). The runner itself
/// only ever sees <see cref="DbConnection"/> and <see cref="DbCommand"/>.
/// </summary>
public interface IWarehouse
{
    /// <summary>Human-readable location, safe to print (never contains secrets).</summary>
    string DisplayName { get; }

    /// <summary>A local folder for files that belong with this warehouse (generated demo data, exports).</summary>
    string LocalDirectory { get; }

    DbProviderFactory Factory { get; }

    IWarehouseDialect Dialect { get; }

    /// <summary>Opens a new connection. The caller owns and disposes it.</summary>
    DbConnection Open();
}
