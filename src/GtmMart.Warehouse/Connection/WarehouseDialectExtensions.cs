using System.Data.Common;
using GtmMart.Warehouse.Bulk;
using GtmMart.Warehouse.Tables;

namespace GtmMart.Warehouse.Connection;

/// <summary>The bulk write with rows as value arrays (a few rows, or rows already boxed).</summary>
public static class WarehouseDialectExtensions
{
    /// <summary>
    /// <see cref="IWarehouseDialect.StageRows{T}"/> for rows given as values in the table's column order: null, string,
    /// int, long, double, bool, <see cref="DateTime"/> or <see cref="DateOnly"/>.
    /// </summary>
    public static IStagedRows StageRows(this IWarehouseDialect dialect, DbConnection connection, DeclaredTable table, IEnumerable<object?[]> rows, IProgress<string>? progress)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(table);
        return dialect.StageRows(connection, table, rows, (values, row) =>
        {
            foreach (var value in values)
            {
                _ = value switch
                {
                    null => row.AddNull(),
                    string s => row.Add(s),
                    int i => row.Add(i),
                    long l => row.Add(l),
                    double d => row.Add(d),
                    DateTime t => row.Add(t),
                    DateOnly d => row.Add(d),
                    bool b => row.Add(b),
                    _ => throw new NotSupportedException($"cannot append a {value.GetType().Name} to {table.QualifiedName}"),
                };
            }
        }, progress);
    }
}
