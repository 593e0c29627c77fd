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

    /// <summary>
    /// The local folder for files that belong with this warehouse only (generated demo data, feature snapshots, the
    /// dashboard, the model registry): <c>.gtm</c> for the default warehouse <c>.gtm/warehouse.duckdb</c>, else a
    /// folder beside the database file named after it (<c>/data/eu.duckdb</c> → <c>/data/eu/</c>), so two warehouses
    /// in one folder never share outputs.
    /// </summary>
    string LocalDirectory { get; }

    /// <summary>
    /// The model registry this warehouse's models go to when neither <c>--models</c> nor <c>GTM_MODELS</c> says
    /// otherwise: <c>models</c> (relative to the working folder) for the default warehouse, else
    /// <c>LocalDirectory/models</c>.
    /// </summary>
    string DefaultModelsDirectory { get; }

    /// <summary>False when the warehouse does not exist yet (a DuckDB file not created by a load).</summary>
    bool Exists { get; }

    DbProviderFactory Factory { get; }

    IWarehouseDialect Dialect { get; }

    /// <summary>Opens a new connection. The caller owns and disposes it.</summary>
    DbConnection Open();

    /// <summary>
    /// Opens a new connection that cannot change the warehouse, where the engine has such a mode (DuckDB opens the file
    /// read-only, which also lets several readers share it); others open as <see cref="Open"/> does, and callers that
    /// must not write also check what they run. The caller owns and disposes it.
    /// </summary>
    DbConnection OpenReadOnly() => Open();
}
