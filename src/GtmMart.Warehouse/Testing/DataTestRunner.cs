using System.Data.Common;
using System.Globalization;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Models;

namespace GtmMart.Warehouse.Testing;

/// <summary>Runs data tests and collects, for each failing one, its failure count and a sample of failing rows.</summary>
public static class DataTestRunner
{
    public const int SampleRows = 5;

    /// <summary>
    /// Runs <paramref name="tests"/> in order. A model's row-level tests (those with a
    /// <see cref="DataTest.FailingRowPredicate"/>) are first screened together in one scan of the model, counting the
    /// rows that break each; a test with none there passes without a query of its own. Every other test, and any test
    /// the scan found failing or could not screen, runs its own failing-rows query for its count and sample.
    /// <paramref name="scoped"/>, when given, says which relations each test reads instead (an incremental build points a
    /// test at the rows it rebuilt where that keeps the test's meaning; see <c>IncrementalTestScope</c>).
    /// </summary>
    public static IReadOnlyList<DataTestResult> Run(
        DbConnection connection, IReadOnlyList<DataTest> tests, SqlRewriter rewriter, IProgress<DataTestResult>? progress = null, Func<DataTest, SqlRewriter>? scoped = null)
    {
        ArgumentNullException.ThrowIfNull(tests);
        ArgumentNullException.ThrowIfNull(rewriter);
        var rewriterFor = scoped ?? (_ => rewriter);
        var screenTimes = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var clean = Screen(connection, tests, rewriterFor, screenTimes);
        var results = new List<DataTestResult>();
        foreach (var test in tests)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = clean.Contains(test) ? new DataTestResult(test, 0, [], []) : RunOne(connection, test, rewriterFor(test));
            // A model's screening scan is counted once, with its first test.
            result = result with { Elapsed = watch.Elapsed + (screenTimes.Remove(test.Model, out var screen) ? screen : TimeSpan.Zero) };
            results.Add(result);
            progress?.Report(result);
        }

        return results;
    }

    private static DataTestResult RunOne(DbConnection connection, DataTest test, SqlRewriter rewriter)
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

        return failing == 0 ? new DataTestResult(test, 0, [], []) : Sample(connection, test, sql, failing);
    }

    /// <summary>
    /// The row-level tests that one scan per model shows no row breaks. A scan that cannot run (a test refers to a
    /// column the model lacks, say) screens nothing: those tests then run one by one, and the one at fault reports the
    /// error under its own name.
    /// </summary>
    private static HashSet<DataTest> Screen(DbConnection connection, IReadOnlyList<DataTest> tests, Func<DataTest, SqlRewriter> rewriterFor, Dictionary<string, TimeSpan> times)
    {
        var clean = new HashSet<DataTest>(ReferenceEqualityComparer.Instance);
        foreach (var group in tests.Where(t => t.FailingRowPredicate is not null).GroupBy(t => t.Model, StringComparer.Ordinal))
        {
            var screened = group.ToList();
            var counts = string.Join(", ", screened.Select((t, i) =>
                string.Create(CultureInfo.InvariantCulture, $"cast(coalesce(sum(case when {t.FailingRowPredicate} then 1 else 0 end), 0) as bigint) as failing_{i}")));
            long[]? failing;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                // Row-level tests of one model read the same rows (all of them, or all it rebuilt), so the first one's relation serves.
                failing = connection.Query(rewriterFor(screened[0]).Rewrite($"select {counts} from {group.Key}"),
                    r => Enumerable.Range(0, screened.Count).Select(i => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture)).ToArray()).FirstOrDefault();
            }
            catch (DbException)
            {
                // Deliberately not fatal: the tests of this model run one by one instead (RunOne), and the one at fault
                // fails there with its own name and the engine's message.
                continue;
            }
            finally
            {
                times[group.Key] = watch.Elapsed;
            }

            for (var i = 0; failing is not null && i < screened.Count; i++)
            {
                if (failing[i] == 0)
                {
                    clean.Add(screened[i]);
                }
            }
        }

        return clean;
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
