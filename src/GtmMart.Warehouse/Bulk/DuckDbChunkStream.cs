using DuckDB.NET.Data;
using DuckDB.NET.Native;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Bulk;

/// <summary>
/// A query's result read a DuckDB data chunk (up to 2,048 rows) at a time through DuckDB.NET's C API bindings
/// (<see cref="NativeMethods"/>), so a column's values are copied out of DuckDB's vectors in bulk instead of one
/// ADO.NET getter call per value. The query streams and runs on the connection, inside its current transaction.
/// </summary>
internal sealed unsafe class DuckDbChunkStream : IDisposable
{
    private readonly DuckDBPreparedStatement statement;
    private DuckDBResult result;
    private DuckDBDataChunk? chunk;
    private bool closed;

    private DuckDbChunkStream(DuckDBPreparedStatement statement, DuckDBResult result)
    {
        this.statement = statement;
        this.result = result;
        ColumnCount = (int)NativeMethods.Query.DuckDBColumnCount(ref this.result);
    }

    public int ColumnCount { get; }

    /// <summary>Rows in the current chunk (0 before the first <see cref="Next"/> and after the last).</summary>
    public int Rows { get; private set; }

    public static DuckDbChunkStream Open(DuckDBConnection connection, string sql)
    {
        if (NativeMethods.PreparedStatements.DuckDBPrepare(connection.NativeConnection, sql, out var statement) != DuckDBState.Success)
        {
            var error = NativeMethods.PreparedStatements.DuckDBPrepareError(statement);
            statement.Dispose();
            throw new WarehouseException(error);
        }

        if (NativeMethods.PreparedStatements.DuckDBExecutePreparedStreaming(statement, out var result) != DuckDBState.Success)
        {
            var error = Error(ref result);
            result.Close();
            statement.Dispose();
            throw error;
        }

        return new DuckDbChunkStream(statement, result);
    }

    public DuckDBType ColumnType(int column) => NativeMethods.Query.DuckDBColumnType(ref result, column);

    /// <summary>Fetches the next chunk; returns its row count, 0 when the result is exhausted.</summary>
    public int Next()
    {
        chunk?.Dispose();
        chunk = null;
        Rows = 0;
        var next = NativeMethods.Query.DuckDBFetchChunk(result);
        if (next.IsInvalid)
        {
            next.Dispose();
            var message = NativeMethods.Query.DuckDBResultError(ref result);
            if (!string.IsNullOrEmpty(message))
            {
                throw Error(ref result);
            }

            return 0;
        }

        chunk = next;
        Rows = (int)NativeMethods.DataChunks.DuckDBDataChunkGetSize(chunk);
        return Rows;
    }

    /// <summary>The current chunk's column: its values (DuckDB's physical layout) and validity mask (null: no NULLs).</summary>
    public ChunkVector Column(int column)
    {
        var vector = NativeMethods.DataChunks.DuckDBDataChunkGetVector(chunk!, column);
        return new ChunkVector(NativeMethods.Vectors.DuckDBVectorGetData(vector), NativeMethods.Vectors.DuckDBVectorGetValidity(vector));
    }

    public void Dispose()
    {
        chunk?.Dispose();
        if (!closed)
        {
            closed = true;
            result.Close();
        }

        statement.Dispose();
    }

    private static Exception Error(ref DuckDBResult result)
    {
        var message = NativeMethods.Query.DuckDBResultError(ref result);
        return NativeMethods.Query.DuckDBResultErrorType(ref result) == DuckDBErrorType.Interrupt
            ? new OperationCanceledException(message)
            : new WarehouseException(string.IsNullOrEmpty(message) ? "DuckDB query failed" : message);
    }
}

/// <summary>One column of a DuckDB data chunk: a pointer to its values and to its validity bits (null when all are valid).</summary>
internal readonly unsafe struct ChunkVector(void* data, ulong* validity)
{
    public void* Data { get; } = data;

    public bool IsValid(int row) => validity == null || (validity[row >> 6] & (1UL << (row & 63))) != 0;

    public bool AllValid(int start, int count)
    {
        if (validity == null)
        {
            return true;
        }

        for (var row = start; row < start + count; row++)
        {
            if ((validity[row >> 6] & (1UL << (row & 63))) == 0)
            {
                return false;
            }
        }

        return true;
    }
}
