using System.Data.Common;
using System.Globalization;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Models;

namespace GtmMart.Warehouse.Testing;

/// <summary>Runs data tests and collects, for each failing one, its failure count and a sample of failing rows.</summary>
public static class DataTestRunner
{
    public const int SampleRows = 5;

    /// <summary>
    /// Runs <paramref name="tests"/> in order. The tests of one relation are first screened together
    /// (<see cref="DataTestScreens"/>): its row-level tests (those with a <see cref="DataTest.FailingRowPredicate"/>) in
    /// one scan of it, each relationships test as the child's values its parent lacks, and its group tests (unique,
    /// primary_key, group expressions) in one aggregation per set of key columns, a primary key whose last column is an
    /// integer in the aggregation of its other columns where the relation has one; a view (<paramref name="views"/>: its
    /// rows are computed on every read) is read once, its row-level and relationships tests screened in its primary
    /// key's aggregation. A test every screen of it finds nothing breaking passes without a query of its own. Every
    /// other test, and any test a screen found failing or could not screen, runs its own failing-rows query for its
    /// count and sample.
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
        var clean = Screen(connection, tests, rewriter, rewriterFor, views ?? new HashSet<string>(), screenTimes);
        var results = new List<DataTestResult>();
        foreach (var test in tests)
        {
            var clock = StepClock.Start();
            var result = clean.Contains(test) ? new DataTestResult(test, 0, [], []) : RunOne(connection, test, rewriterFor(test));
            // A model's screening queries are counted once, with its first test.
            var screen = screenTimes.Remove(test.Model, out var time) ? time : default;
            result = result with { Elapsed = clock.Wall + screen.Wall, Cpu = clock.Cpu + screen.Cpu };
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
        DbConnection connection, IReadOnlyList<DataTest> tests, SqlRewriter rewriter, Func<DataTest, SqlRewriter> rewriterFor, IReadOnlySet<string> views,
        Dictionary<string, (TimeSpan Wall, TimeSpan Cpu)> times)
    {
        var screened = new HashSet<DataTest>(ReferenceEqualityComparer.Instance);
        var breaking = new HashSet<DataTest>(ReferenceEqualityComparer.Instance);
        foreach (var (screenedTests, sql) in DataTestScreens.For(tests, rewriter, rewriterFor, views, query => IsInteger(connection, query)))
        {
            long[]? failing = null;
            var clock = StepClock.Start();
            try
            {
                failing = connection.Query(sql, r => Enumerable.Range(0, screenedTests.Count).Select(i => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture)).ToArray()).FirstOrDefault();
            }
            catch (DbException)
            {
                // Deliberately not fatal: these tests run one by one instead (RunOne), and the one at fault fails there
                // with its own name and the engine's message.
            }
            finally
            {
                var spent = times.GetValueOrDefault(screenedTests[0].Model);
                times[screenedTests[0].Model] = (spent.Wall + clock.Wall, spent.Cpu + clock.Cpu);
            }

            // A test passes unseen only when every screen of it ran and counted nothing breaking it.
            for (var i = 0; i < screenedTests.Count; i++)
            {
                screened.Add(screenedTests[i]);
                if (failing is null || failing[i] != 0)
                {
                    breaking.Add(screenedTests[i]);
                }
            }
        }

        screened.ExceptWith(breaking);
        return screened;
    }

    /// <summary>Whether the first column of <paramref name="query"/> (which reads no rows) holds integers; false when it cannot run.</summary>
    private static bool IsInteger(DbConnection connection, string query)
    {
        try
        {
            using var command = connection.Command(query);
            using var reader = command.ExecuteReader();
            if (reader.FieldCount == 0)
            {
                return false;
            }

            var type = reader.GetFieldType(0);
            return type == typeof(System.Numerics.BigInteger) || Type.GetTypeCode(type) is TypeCode.SByte or TypeCode.Byte or TypeCode.Int16 or TypeCode.UInt16
                or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64;
        }
        catch (DbException)
        {
            // Not an integer column as far as the screens can tell: its test keeps an aggregation of its own.
            return false;
        }
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
