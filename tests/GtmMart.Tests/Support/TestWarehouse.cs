using System.Data.Common;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Tests.Support;

/// <summary>A DuckDB warehouse file in a temp folder, plus query helpers for assertions.</summary>
public sealed class TestWarehouse : IDisposable
{
    private readonly TempDirectory directory = new();

    public TestWarehouse()
    {
        Warehouse = new DuckDbWarehouse(directory.File("warehouse.duckdb"));
    }

    public DuckDbWarehouse Warehouse { get; }

    public TempDirectory Folder => directory;

    public T? Scalar<T>(string sql, params (string, object?)[] parameters)
    {
        using var connection = Warehouse.Open();
        return connection.Scalar<T>(sql, parameters);
    }

    public List<object?[]> Rows(string sql, params (string, object?)[] parameters)
    {
        using var connection = Warehouse.Open();
        return connection.Query(sql, ReadRow, parameters);
    }

    /// <summary>One row as values; DuckDB's HUGEINT (a BigInteger) comes back as decimal so it compares and converts.</summary>
    public static object?[] ReadRow(DbDataReader reader) =>
        Enumerable.Range(0, reader.FieldCount)
            .Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i) is System.Numerics.BigInteger big ? (decimal)big : reader.GetValue(i))
            .ToArray();

    public void Dispose() => directory.Dispose();
}
