namespace GtmMart.Warehouse.Bulk;

/// <summary>A table to export and the Parquet file it goes to (a name inside the export folder).</summary>
public sealed record ParquetExportRequest(string Table, string FileName);

/// <summary>A column of an exported file: its name and Parquet type (string, int32, int64, double, bool, date, timestamp, timestamptz).</summary>
public sealed record ParquetColumn(string Name, string Type);

/// <summary>What <see cref="Connection.IWarehouseDialect.ExportParquetAsync"/> wrote for one table.</summary>
public sealed record ParquetExportResult(string Table, string FileName, long Rows, int RowGroups, IReadOnlyList<ParquetColumn> Columns);

/// <summary>How the DuckDB export writes its files (Snowflake unloads with its own writer).</summary>
public sealed record ParquetExportSettings
{
    /// <summary>Rows per row group, and so the most rows held in memory per buffer.</summary>
    public int RowGroupSize { get; init; } = 100_000;
}

/// <summary>
/// Rows made ready for one table by <see cref="Connection.IWarehouseDialect.StageRows"/>, before the transaction that
/// appends them. Disposing removes whatever staging left behind (files, staging tables).
/// </summary>
public interface IStagedRows : IDisposable
{
    /// <summary>Appends the rows to their table inside the connection's current transaction; returns how many.</summary>
    long Append(CancellationToken cancellationToken = default);
}
