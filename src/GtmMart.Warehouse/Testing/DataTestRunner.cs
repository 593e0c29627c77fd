using System.Data.Common;
using System.Globalization;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Models;

namespace GtmMart.Warehouse.Testing;

/// <summary>Runs data tests and collects, for each failing one, its failure count and a sample of failing rows.</summary>
public static class DataTestRunner
{
    public const int SampleRows = 5;

    public static IReadOnlyList<DataTestResult> Run(DbConnection connection, IReadOnlyList<DataTest> tests, SqlRewriter rewriter, IProgress<DataTestResult>? progress = null)
    {
        var results = new List<DataTestResult>();
        foreach (var test in tests)
        {
            var sql = rewriter.Rewrite(test.FailingRowsSql);
            long failing;
            try
            {
                failing = connection.Scalar<long>($"select count(*) from ({sql}) as failures");
            }
            catch (DbException ex)
            {
                throw new WarehouseException($"Data test {test.Name} ({test.DeclaredIn}) could not run: {ex.Message.Split('\n')[0]}", ex);
            }

            var result = failing == 0
                ? new DataTestResult(test, 0, [], [])
                : Sample(connection, test, sql, failing);
            results.Add(result);
            progress?.Report(result);
        }

        return results;
    }

    private static DataTestResult Sample(DbConnection connection, DataTest test, string sql, long failing)
    {
        using var command = connection.Command($"select * from ({sql}) as failures limit {SampleRows}");
        using var reader = command.ExecuteReader();
        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<IReadOnlyList<string?>>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount)
                .Select(i => reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))
                .ToList());
        }

        return new DataTestResult(test, failing, names, rows);
    }
}
