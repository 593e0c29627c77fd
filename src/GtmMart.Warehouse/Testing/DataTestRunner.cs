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
    /// rows that break each, and so are its group tests over the same key columns (one aggregation) and its
    /// relationships tests (one scan joined to every parent); a test with nothing breaking it there passes without a
    /// query of its own. Every other test, and any test a screen found failing or could not screen, runs its own
    /// failing-rows query for its count and sample.
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
    /// The tests that shared screening queries show pass: per model, one scan for all its row-level tests; one
    /// aggregation for all its group tests over the same key columns (a primary key and group expressions); one scan
    /// joined to every parent for all its relationships tests. Each counts the rows (groups, orphans) breaking each test.
    /// A screen that cannot run (a test refers to a column the model lacks, say) screens nothing: those tests then run
    /// one by one, and the one at fault reports the error under its own name.
    /// </summary>
    private static HashSet<DataTest> Screen(DbConnection connection, IReadOnlyList<DataTest> tests, Func<DataTest, SqlRewriter> rewriterFor, Dictionary<string, TimeSpan> times)
    {
        var clean = new HashSet<DataTest>(ReferenceEqualityComparer.Instance);
        foreach (var (screened, sql) in Screens(tests, rewriterFor))
        {
            long[]? failing;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                failing = connection.Query(sql, r => Enumerable.Range(0, screened.Count).Select(i => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture)).ToArray()).FirstOrDefault();
            }
            catch (DbException)
            {
                // Deliberately not fatal: these tests run one by one instead (RunOne), and the one at fault fails there
                // with its own name and the engine's message.
                continue;
            }
            finally
            {
                times[screened[0].Model] = times.GetValueOrDefault(screened[0].Model) + watch.Elapsed;
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

    /// <summary>The screening queries (already rewritten) and the tests each screens, in column order.</summary>
    private static IEnumerable<(List<DataTest> Tests, string Sql)> Screens(IReadOnlyList<DataTest> tests, Func<DataTest, SqlRewriter> rewriterFor)
    {
        // Row-level tests of one model read the same rows (all of them, or all it rebuilt), so the first one's relation serves.
        foreach (var group in tests.Where(t => t.FailingRowPredicate is not null).GroupBy(t => t.Model, StringComparer.Ordinal))
        {
            var screened = group.ToList();
            yield return (screened, rewriterFor(screened[0]).Rewrite($"select {Counts(screened.Select(t => t.FailingRowPredicate!))} from {group.Key}"));
        }

        // Tests sharing a screen must read the same relation: an incremental build may narrow each test differently.
        foreach (var group in tests.Where(t => t.FailingGroupPredicate is not null)
                     .GroupBy(t => (t.Model, Keys: string.Join(", ", t.KeyColumns), Relation: rewriterFor(t).Rewrite(t.Model)))
                     .Where(g => g.Count() > 1))
        {
            var screened = group.ToList();
            var flags = string.Join(", ", screened.Select((t, i) => string.Create(CultureInfo.InvariantCulture, $"({t.FailingGroupPredicate}) as breaks_{i}")));
            var counts = Counts(screened.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"breaks_{i}")));
            yield return (screened, rewriterFor(screened[0]).Rewrite($"select {counts} from (select {flags} from {group.Key.Model} group by {group.Key.Keys}) as groups"));
        }

        foreach (var group in tests.Where(t => t is { Parent: not null, Column: not null })
                     .GroupBy(t => (t.Model, Relation: rewriterFor(t).Rewrite(t.Model)))
                     .Where(g => g.Count() > 1))
        {
            var screened = group.ToList();
            // The parents' distinct values, as each test reads them: every child row meets at most one, so rows are not repeated.
            var joins = string.Concat(screened.Select((t, i) => string.Create(CultureInfo.InvariantCulture,
                $" left join (select distinct {t.Parent!.Value.Field} from {t.Parent.Value.Model}) as parent_{i} on child.{t.Column} = parent_{i}.{t.Parent.Value.Field}")));
            var counts = Counts(screened.Select((t, i) => string.Create(CultureInfo.InvariantCulture, $"child.{t.Column} is not null and parent_{i}.{t.Parent!.Value.Field} is null")));
            yield return (screened, rewriterFor(screened[0]).Rewrite($"select {counts} from {group.Key.Model} as child{joins}"));
        }
    }

    private static string Counts(IEnumerable<string> failing) => string.Join(", ", failing.Select((predicate, i) =>
        string.Create(CultureInfo.InvariantCulture, $"cast(coalesce(sum(case when {predicate} then 1 else 0 end), 0) as bigint) as failing_{i}")));

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
