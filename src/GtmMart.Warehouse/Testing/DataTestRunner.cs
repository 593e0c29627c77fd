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
    /// Runs <paramref name="tests"/> in order. The tests of one relation are first screened together: its row-level
    /// tests (those with a <see cref="DataTest.FailingRowPredicate"/>) and its relationships tests in one scan of it
    /// joined to every parent, counting the rows that break each, and its group tests (unique, primary_key, group
    /// expressions) in one aggregation per set of key columns; a view (<paramref name="views"/>: its rows are computed
    /// on every read) is read once, its row-level and relationships tests screened in its primary key's aggregation. A
    /// test with nothing breaking it there passes without a query of its own. Every other test, and any test a screen
    /// found failing or could not screen, runs its own failing-rows query for its count and sample.
    /// <paramref name="scoped"/>, when given, says which relations each test reads instead (an incremental build points a
    /// test at the rows it rebuilt where that keeps the test's meaning; see <c>IncrementalTestScope</c>).
    /// </summary>
    public static IReadOnlyList<DataTestResult> Run(
        DbConnection connection, IReadOnlyList<DataTest> tests, SqlRewriter rewriter, IProgress<DataTestResult>? progress = null, Func<DataTest, SqlRewriter>? scoped = null,
        IReadOnlySet<string>? views = null)
    {
        ArgumentNullException.ThrowIfNull(tests);
        ArgumentNullException.ThrowIfNull(rewriter);
        var rewriterFor = scoped ?? (_ => rewriter);
        var screenTimes = new Dictionary<string, (TimeSpan Wall, TimeSpan Cpu)>(StringComparer.Ordinal);
        var clean = Screen(connection, tests, rewriterFor, views ?? new HashSet<string>(), screenTimes);
        var results = new List<DataTestResult>();
        foreach (var test in tests)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var cpu = Environment.CpuUsage.TotalTime;
            var result = clean.Contains(test) ? new DataTestResult(test, 0, [], []) : RunOne(connection, test, rewriterFor(test));
            // A model's screening queries are counted once, with its first test.
            var screen = screenTimes.Remove(test.Model, out var time) ? time : default;
            result = result with { Elapsed = watch.Elapsed + screen.Wall, Cpu = Environment.CpuUsage.TotalTime - cpu + screen.Cpu };
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
    /// The tests that shared screening queries show pass (see <see cref="Run"/>); each query counts, per test, the rows
    /// (groups, orphans) breaking it, or for a view's tests folded into its key's aggregation, the groups holding such a
    /// row. A screen that cannot run (a test refers to a column the model lacks, say) screens nothing: those tests then
    /// run one by one, and the one at fault reports the error under its own name.
    /// </summary>
    private static HashSet<DataTest> Screen(
        DbConnection connection, IReadOnlyList<DataTest> tests, Func<DataTest, SqlRewriter> rewriterFor, IReadOnlySet<string> views, Dictionary<string, (TimeSpan Wall, TimeSpan Cpu)> times)
    {
        var clean = new HashSet<DataTest>(ReferenceEqualityComparer.Instance);
        foreach (var (screened, sql) in Screens(tests, rewriterFor, views))
        {
            long[]? failing;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var cpu = Environment.CpuUsage.TotalTime;
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
                var spent = times.GetValueOrDefault(screened[0].Model);
                times[screened[0].Model] = (spent.Wall + watch.Elapsed, spent.Cpu + Environment.CpuUsage.TotalTime - cpu);
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
    private static IEnumerable<(List<DataTest> Tests, string Sql)> Screens(IReadOnlyList<DataTest> tests, Func<DataTest, SqlRewriter> rewriterFor, IReadOnlySet<string> views)
    {
        // Tests sharing a screen must read the same relation: an incremental build may narrow each test differently.
        foreach (var relation in tests.Where(t => t.FailingRowPredicate is not null || t is { Parent: not null, Column: not null } || t.FailingGroupPredicate is not null)
                     .GroupBy(t => (t.Model, Relation: rewriterFor(t).Rewrite(t.Model))))
        {
            var rewriter = rewriterFor(relation.First());
            var scanned = relation.Where(t => t.FailingGroupPredicate is null).ToList();
            var parents = scanned.Where(t => t.Parent is not null).ToList();
            // The parents' distinct values, as each test reads them: every child row meets at most one, so rows are not
            // repeated. Named apart so the row-level predicates' columns are the child's.
            var joins = string.Concat(parents.Select((t, i) => string.Create(CultureInfo.InvariantCulture,
                $" left join (select distinct {t.Parent!.Value.Field} as _gtm_parent from {t.Parent.Value.Model}) as parent_{i} on child.{t.Column} = parent_{i}._gtm_parent")));
            var breaks = scanned.Select(t => t.FailingRowPredicate ?? $"child.{t.Column} is not null and parent_{parents.IndexOf(t)}._gtm_parent is null").ToList();
            var keySets = relation.Where(t => t.FailingGroupPredicate is not null).GroupBy(t => string.Join(", ", t.KeyColumns.Select(k => $"child.{k}")), StringComparer.Ordinal).ToList();
            // A view's rows are computed on every read: its scanned tests are screened in its first key's aggregation,
            // each as the number of groups holding a row that breaks it (zero exactly when no row does).
            var folded = views.Contains(relation.Key.Model) && scanned.Count > 0 && keySets.Count > 0;
            if (scanned.Count > 0 && !folded)
            {
                yield return (scanned, rewriter.Rewrite($"select {Counts(breaks)} from {relation.Key.Model} as child{joins}"));
            }

            for (var k = 0; k < keySets.Count; k++)
            {
                var grouped = keySets[k].ToList();
                var flags = grouped.Select(t => t.FailingGroupPredicate!).ToList();
                if (folded && k == 0)
                {
                    flags.AddRange(breaks.Select(b => $"max(case when {b} then 1 else 0 end) = 1"));
                    grouped.AddRange(scanned);
                }

                var columns = string.Join(", ", flags.Select((f, i) => string.Create(CultureInfo.InvariantCulture, $"case when {f} then 1 else 0 end as breaks_{i}")));
                var counts = Counts(flags.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"breaks_{i} = 1")));
                yield return (grouped, rewriter.Rewrite($"select {counts} from (select {columns} from {relation.Key.Model} as child{(folded && k == 0 ? joins : "")} group by {keySets[k].Key}) as groups"));
            }
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
