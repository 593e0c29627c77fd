using System.Globalization;
using GtmMart.Warehouse.Models;

namespace GtmMart.Warehouse.Testing;

/// <summary>
/// The screening queries of <see cref="DataTestRunner"/>: each counts, per test it screens, what breaks the test, so a
/// test every screen of it counts zero for passes without a query of its own. A screen may count more than the test's
/// own query would (rows a join repeats, groups of a coarser key), never zero where the test fails: only zero or not
/// is read, and a test any screen counts for runs its own query for its count and sample.
/// </summary>
internal static class DataTestScreens
{
    /// <summary>
    /// The integer values a uniqueness test's last key column may take to be screened in its other columns' aggregation:
    /// 1 to 62, each as 2^(value - 1), so 62 distinct of them sum to at most 2^62 - 1 in a bigint.
    /// </summary>
    private const int PowerRange = 62;

    /// <summary>
    /// The screening queries (already rewritten) and the tests each screens, in column order. A test may be in more than
    /// one. <paramref name="rewriterFor"/> gives the relation each test reads; where it differs from what
    /// <paramref name="whole"/> reads, the test reads only some rows of its model (an incremental build's rebuilt keys).
    /// <paramref name="isInteger"/> says whether the first column of a query (already rewritten) holds integers.
    /// </summary>
    public static IEnumerable<(List<DataTest> Tests, string Sql)> For(
        IReadOnlyList<DataTest> tests, SqlRewriter whole, Func<DataTest, SqlRewriter> rewriterFor, IReadOnlySet<string> views, Func<string, bool> isInteger)
    {
        // Tests sharing a screen must read the same relation: an incremental build may narrow each test differently.
        foreach (var relation in tests.Where(t => t.FailingRowPredicate is not null || IsReference(t) || t.FailingGroupPredicate is not null)
                     .GroupBy(t => (t.Model, Relation: rewriterFor(t).Rewrite(t.Model))))
        {
            var rewriter = rewriterFor(relation.First());
            var model = relation.Key.Model;
            var narrowed = relation.Key.Relation != whole.Rewrite(model);
            var rows = relation.Where(t => t.FailingRowPredicate is not null).ToList();
            var references = relation.Where(IsReference).ToList();
            var keySets = relation.Where(t => t.FailingGroupPredicate is not null).GroupBy(t => KeyOf(t.KeyColumns), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            var absorbed = Absorbed(keySets, column => isInteger(rewriter.Rewrite($"select child.{column} from {model} as child limit 0")));
            // A view's rows are computed on every read: its row-level and relationships tests are screened in its first
            // key's aggregation, each as the number of groups holding a row that breaks it (zero exactly when no row does).
            var folded = views.Contains(model) && rows.Count + references.Count > 0 && keySets.Count > 0;
            if (!folded)
            {
                if (rows.Count > 0)
                {
                    yield return (rows, rewriter.Rewrite($"select {Counts(rows.Select(RowBreaks))} from {model} as child"));
                }

                // Each reference on its own, as the child's values the parent lacks: an anti join needs no payload from the
                // parent, where a left join in the shared scan carried it (at 1M sessions the touches' three: 0.4 against
                // 0.7 CPU s). A whole table as EXCEPT, which hashes the parent; a few rows (an incremental build's rebuilt
                // keys) as NOT EXISTS over their distinct values, which DuckDB hashes instead. At 10M sessions: all 24M
                // touches against the sessions 2.8 CPU s as EXCEPT, 5.7 as NOT EXISTS; a day's touches 0.2 against 1.0.
                foreach (var test in references)
                {
                    var (column, parent, field) = (test.Column, test.Parent!.Value.Model, test.Parent.Value.Field);
                    yield return ([test], rewriter.Rewrite(narrowed
                        ? $"select count(*) as failing_0 from (select distinct child.{column} as _gtm_value from {model} as child where child.{column} is not null) as orphans " +
                          $"where not exists (select 1 from {parent} as parent_rows where parent_rows.{field} = orphans._gtm_value)"
                        : $"select count(*) as failing_0 from (select child.{column} from {model} as child where child.{column} is not null except select {field} from {parent}) as orphans"));
                }
            }

            var first = true;
            foreach (var (key, grouped) in keySets)
            {
                var screened = new List<DataTest>(grouped);
                var flags = grouped.Select(t => t.FailingGroupPredicate!).ToList();
                foreach (var (test, column) in absorbed.Where(a => KeyOf(a.Test.KeyColumns.Where(k => k != a.Column)) == key))
                {
                    screened.Add(test);
                    flags.Add(PowersBreak(column));
                }

                var joins = "";
                if (folded && first)
                {
                    // The parents' distinct values, as each test reads them: every child row meets at most one, so rows are
                    // not repeated. Named apart so the row-level predicates' columns are the child's.
                    joins = string.Concat(references.Select((t, i) => string.Create(CultureInfo.InvariantCulture,
                        $" left join (select distinct {t.Parent!.Value.Field} as _gtm_parent from {t.Parent.Value.Model}) as parent_{i} on child.{t.Column} = parent_{i}._gtm_parent")));
                    screened.AddRange(rows);
                    flags.AddRange(rows.Select(t => t.Kind == "not_null" ? $"count(*) > count({t.Column})" : $"max(case when {t.FailingRowPredicate} then 1 else 0 end) = 1"));
                    screened.AddRange(references);
                    flags.AddRange(references.Select((t, i) => $"max(case when child.{t.Column} is not null and parent_{i}._gtm_parent is null then 1 else 0 end) = 1"));
                }

                first = false;
                var columns = string.Join(", ", flags.Select((f, i) => string.Create(CultureInfo.InvariantCulture, $"case when {f} then 1 else 0 end as breaks_{i}")));
                var counts = Counts(flags.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"sum(case when breaks_{i} = 1 then 1 else 0 end)")));
                yield return (screened, rewriter.Rewrite($"select {counts} from (select {columns} from {model} as child{joins} group by {string.Join(", ", KeyColumns(key))}) as groups"));
            }

            // What the powers of two cannot screen: the rows whose last key column is outside 1 to 62 (or null), in
            // their own uniqueness aggregation (a duplicate key has both rows on the same side).
            foreach (var (test, column) in absorbed)
            {
                var outside = $"child.{column} is null or not (child.{column} between 1 and {PowerRange})";
                yield return ([test], rewriter.Rewrite(
                    $"select count(*) as failing_0 from (select 1 as one from {model} as child where {outside} group by {string.Join(", ", test.KeyColumns.Select(k => $"child.{k}"))} having count(*) > 1) as groups"));
            }
        }
    }

    private static bool IsReference(DataTest test) => test is { Parent: not null, Column: not null, FailingRowPredicate: null, FailingGroupPredicate: null };

    /// <summary>
    /// The uniqueness tests (a primary key of several columns) screened in the aggregation of their key without one
    /// integer column, which the relation aggregates anyway for other tests, instead of an aggregation of their own:
    /// per group, the values 1 to 62 of that column must be distinct. That aggregation has far fewer groups (the
    /// touches: 0.56M opportunities against 2.4M touches at 1M sessions) and is paid already.
    /// </summary>
    private static List<(DataTest Test, string Column)> Absorbed(Dictionary<string, List<DataTest>> keySets, Func<string, bool> isInteger)
    {
        var absorbed = new List<(DataTest, string)>();
        // A key set absorbed is no target: every target keeps its own aggregation.
        var candidates = keySets.Where(s => s.Value is [{ Kind: "primary_key", FailingGroupPredicate: "count(*) > 1", KeyColumns.Count: >= 2 }]).ToList();
        foreach (var (key, grouped) in candidates)
        {
            var test = grouped[0];
            foreach (var column in test.KeyColumns.Reverse())
            {
                var target = KeyOf(test.KeyColumns.Where(k => k != column));
                if (keySets.ContainsKey(target) && !candidates.Any(c => c.Key == target) && isInteger(column))
                {
                    absorbed.Add((test, column));
                    keySets.Remove(key);
                    break;
                }
            }
        }

        return absorbed;
    }

    /// <summary>
    /// True for a group whose rows with <paramref name="column"/> between 1 and 62 may repeat a value. Each such value v
    /// counts as 2^(v - 1); c powers of two sum to 2^c - 1 only when they are distinct (2^c - 1 has c one bits, and
    /// merging two equal powers would write it with fewer than c), so a group passes when its c such rows (c at most
    /// 62) sum to 2^c - 1, as the values 1..c of a correct key do. A group with distinct values that are not 1..c is
    /// flagged too, and the test then runs its own query.
    /// </summary>
    private static string PowersBreak(string column)
    {
        var inRange = $"child.{column} between 1 and {PowerRange}";
        var count = $"count(case when {inRange} then 1 end)";
        return $"not ({count} <= {PowerRange} and coalesce(sum(case when {inRange} then cast(power(2, child.{column} - 1) as bigint) end), 0) = cast(power(2, least({count}, {PowerRange})) as bigint) - 1)";
    }

    /// <summary>
    /// What a row-level test counts in the shared scan: a not_null test as the rows minus the column's values (DuckDB
    /// answers <c>count(column)</c> from its statistics when the column holds no null), any other its predicate's rows.
    /// </summary>
    private static string RowBreaks(DataTest test) => test.Kind == "not_null"
        ? $"count(*) - count({test.Column})"
        : $"sum(case when {test.FailingRowPredicate} then 1 else 0 end)";

    private static string KeyOf(IEnumerable<string> columns) => string.Join(", ", columns.Order(StringComparer.Ordinal));

    private static IEnumerable<string> KeyColumns(string key) => key.Split(", ").Select(k => $"child.{k}");

    private static string Counts(IEnumerable<string> counts) => string.Join(", ", counts.Select((count, i) =>
        string.Create(CultureInfo.InvariantCulture, $"cast(coalesce({count}, 0) as bigint) as failing_{i}")));
}
