namespace GtmMart.Warehouse.Bulk;

/// <summary>
/// One row being written by <see cref="Connection.IWarehouseDialect.StageRows{T}"/>: its values in the table's column
/// order, each appended typed (no boxing, no conversion); text may come as UTF-8 bytes, which an engine that takes
/// UTF-8 stores without decoding them to a string first.
/// </summary>
public interface IBulkRow
{
    IBulkRow AddNull();

    IBulkRow Add(string? value);

    /// <summary>Text given as its UTF-8 bytes (valid UTF-8, as <see cref="System.Text.Encoding.UTF8"/> or a JSON writer makes them).</summary>
    IBulkRow AddUtf8(ReadOnlySpan<byte> value);

    IBulkRow Add(int value);

    IBulkRow Add(long value);

    IBulkRow Add(double value);

    IBulkRow Add(bool value);

    IBulkRow Add(DateTime value);

    IBulkRow Add(DateOnly value);
}

/// <summary>Writes <paramref name="item"/> as one row: every column's value, in order, into <paramref name="row"/>.</summary>
public delegate void BulkRowWriter<in T>(T item, IBulkRow row);

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
