using System.Data.Common;
using System.Globalization;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Bulk;

/// <summary>
/// What <see cref="IWarehouseDialect.BeginBulkWrite"/> changed, put back on <see cref="Dispose"/> (once; disposing
/// again does nothing).
/// </summary>
internal sealed class BulkWriteSettings : IDisposable
{
    private Action? restore;

    private BulkWriteSettings(Action? restore) => this.restore = restore;

    /// <summary>Nothing changed, nothing to put back.</summary>
    public static IDisposable None { get; } = new BulkWriteSettings(null);

    /// <summary>DuckDB's <c>threads</c> set to 1 until disposed, then back to what it was.</summary>
    public static IDisposable DuckDbSingleThread(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var threads = connection.Query("select current_setting('threads')", r => Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture)).Single();
        connection.Execute("set threads = 1");
        return new BulkWriteSettings(() => connection.Execute("set threads = $threads", ("threads", threads)));
    }

    public void Dispose()
    {
        var pending = restore;
        restore = null;
        pending?.Invoke();
    }
}
