using System.Runtime.InteropServices;
using DuckDB.NET.Data;
using GtmMart.Warehouse.Tables;

namespace GtmMart.Warehouse.Bulk;

/// <summary>
/// The DuckDB side of the bulk write: nothing to stage (the rows stay a lazy sequence); <see cref="Append"/> feeds
/// them to DuckDB's Appender (columnar, far faster than INSERTs) inside the current transaction, each value appended
/// typed as the writer gives it (text given as UTF-8 goes into DuckDB's vector as it is). Values always travel as
/// appended values, never as SQL text.
/// </summary>
internal sealed class DuckDbStagedRows<T>(DuckDBConnection connection, DeclaredTable table, IEnumerable<T> rows, BulkRowWriter<T> write) : IStagedRows
{
    public long Append(CancellationToken cancellationToken = default)
    {
        long count = 0;
        using var appender = connection.CreateAppender(table.Schema, table.Name);
        var row = new Row(table);
        try
        {
            foreach (var item in rows)
            {
                row.Start(appender.CreateRow());
                write(item, row);
                row.End();
                if (++count % 65_536 == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }
        catch (Exception)
        {
            // DuckDB.NET appends a row once it is created, values or not: drop what the appender holds (the row that
            // failed with it) so closing it does not append a half-written row.
            appender.Clear();
            throw;
        }

        return count;
    }

    public void Dispose()
    {
        // Nothing was staged outside the transaction.
    }

    /// <summary>The row being appended: passes each value to DuckDB's appender row and counts them.</summary>
    private sealed class Row(DeclaredTable table) : IBulkRow
    {
        private IDuckDBAppenderRow? current;
        private int values;

        public void Start(IDuckDBAppenderRow row)
        {
            current = row;
            values = 0;
        }

        public void End()
        {
            if (values != table.Columns.Count)
            {
                throw Mismatch();
            }

            current!.EndRow();
        }

        public IBulkRow AddNull() => Added(Column().AppendNullValue());

        public IBulkRow Add(string? value) => Added(Column().AppendValue(value));

        /// <summary>
        /// The bytes go to DuckDB as they are (its appender takes a mutable span but only reads it); an empty text is
        /// appended as a string, because DuckDB.NET reads an empty span as null.
        /// </summary>
        public IBulkRow AddUtf8(ReadOnlySpan<byte> value) =>
            Added(value.IsEmpty ? Column().AppendValue("") : Column().AppendValue(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(value), value.Length)));

        public IBulkRow Add(int value) => Added(Column().AppendValue(value));

        public IBulkRow Add(long value) => Added(Column().AppendValue(value));

        public IBulkRow Add(double value) => Added(Column().AppendValue(value));

        public IBulkRow Add(bool value) => Added(Column().AppendValue(value));

        public IBulkRow Add(DateTime value) => Added(Column().AppendValue(value));

        public IBulkRow Add(DateOnly value) => Added(Column().AppendValue(value));

        /// <summary>The appender row, for the next value (checked against the table's columns before DuckDB sees it).</summary>
        private IDuckDBAppenderRow Column() => ++values <= table.Columns.Count ? current! : throw Mismatch();

        private Row Added(IDuckDBAppenderRow _) => this;

        private ArgumentException Mismatch() =>
            new($"a row for {table.QualifiedName} has {(values > table.Columns.Count ? "more than " + table.Columns.Count : values)} values; the table has {table.Columns.Count} columns");
    }
}
