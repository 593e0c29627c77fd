using DuckDB.NET.Data;
using GtmMart.Warehouse.Tables;

namespace GtmMart.Warehouse.Bulk;

/// <summary>
/// The DuckDB side of the bulk write: nothing to stage (the rows stay a lazy sequence); <see cref="Append"/> feeds
/// them to DuckDB's Appender (columnar, far faster than INSERTs) inside the current transaction. Values always
/// travel as appended values, never as SQL text.
/// </summary>
internal sealed class DuckDbStagedRows(DuckDBConnection connection, DeclaredTable table, IEnumerable<object?[]> rows) : IStagedRows
{
    public long Append(CancellationToken cancellationToken = default)
    {
        long count = 0;
        using var appender = connection.CreateAppender(table.Schema, table.Name);
        foreach (var values in rows)
        {
            if (values.Length != table.Columns.Count)
            {
                throw new ArgumentException($"a row for {table.QualifiedName} has {values.Length} values; the table has {table.Columns.Count} columns");
            }

            var row = appender.CreateRow();
            foreach (var value in values)
            {
                _ = value switch
                {
                    null => row.AppendNullValue(),
                    string s => row.AppendValue(s),
                    int i => row.AppendValue(i),
                    long l => row.AppendValue(l),
                    double d => row.AppendValue(d),
                    DateTime t => row.AppendValue(t),
                    DateOnly d => row.AppendValue(d),
                    bool b => row.AppendValue(b),
                    _ => throw new NotSupportedException($"cannot append a {value.GetType().Name} to {table.QualifiedName}"),
                };
            }

            row.EndRow();
            if (++count % 65_536 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        return count;
    }

    public void Dispose()
    {
        // Nothing was staged outside the transaction.
    }
}
