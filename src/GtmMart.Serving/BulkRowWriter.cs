using System.Data.Common;
using System.Text;
using DuckDB.NET.Data;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Serving;

/// <summary>
/// Appends rows to a table inside the connection's current transaction. On DuckDB it uses the Appender (columnar,
/// far faster than INSERTs); on any other ADO.NET provider it falls back to parameterized multi-row INSERTs. This is
/// the only engine-specific piece of the write-back (a Snowflake adapter would stage a file and COPY instead).
/// Values always travel as appended values or parameters, never as SQL text.
/// </summary>
internal static class BulkRowWriter
{
    private const int RowsPerInsert = 200;

    /// <summary>Appends <paramref name="rows"/> (values in the table's column order) and returns how many were written.</summary>
    public static long Append(DbConnection connection, IWarehouseDialect dialect, string schema, string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows)
    {
        return connection is DuckDBConnection duck
            ? AppendDuckDb(duck, schema, table, rows)
            : InsertBatched(connection, dialect, schema, table, columns, rows);
    }

    private static long AppendDuckDb(DuckDBConnection connection, string schema, string table, IEnumerable<object?[]> rows)
    {
        long count = 0;
        using var appender = connection.CreateAppender(schema, table);
        foreach (var values in rows)
        {
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
                    _ => throw new NotSupportedException($"cannot append a {value.GetType().Name} to {schema}.{table}"),
                };
            }

            row.EndRow();
            count++;
        }

        return count;
    }

    private static long InsertBatched(DbConnection connection, IWarehouseDialect dialect, string schema, string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows)
    {
        var target = $"{dialect.QuoteIdentifier(schema)}.{dialect.QuoteIdentifier(table)} ({string.Join(", ", columns.Select(dialect.QuoteIdentifier))})";
        long count = 0;
        foreach (var chunk in rows.Chunk(RowsPerInsert))
        {
            var sql = new StringBuilder($"insert into {target} values ");
            var parameters = new List<(string, object?)>(chunk.Length * columns.Count);
            for (var r = 0; r < chunk.Length; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Count; c++)
                {
                    var name = $"p{r}_{c}";
                    sql.Append(c == 0 ? "" : ", ").Append(dialect.Parameter(name));
                    parameters.Add((name, chunk[r][c]));
                }

                sql.Append(')');
            }

            connection.Execute(sql.ToString(), [.. parameters]);
            count += chunk.Length;
        }

        return count;
    }
}
