using System.Data.Common;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Models;
using GtmMart.Warehouse.Testing;

namespace GtmMart.Warehouse.Building;

/// <summary>
/// Which rows each data test reads in an incremental build. A model updated in place kept rows the published build
/// already tested and changed only the rows of its rebuilt keys, so a test over it reads those rows where that finds
/// every failure a whole-table test would:
/// row-level tests (not_null, accepted_values, expressions) and group tests whose groups include the rebuilt column
/// read the rebuilt rows; other tests over groups (unique, primary_key, expressions per group) read every row sharing
/// the first grouping value of a rebuilt row, so each group holding a rebuilt row is read whole; relationships read
/// the rebuilt rows and the kept rows whose value the parent no longer has (parent keys present before this build and
/// gone now). Every other test, and every test of a model built whole, reads the whole table. <c>gtm test</c> and
/// <c>gtm build --full-refresh</c> always test whole tables.
/// </summary>
internal sealed class IncrementalTestScope(IReadOnlyList<Model> models, long buildId, IReadOnlyDictionary<string, string> previous)
{
    private readonly Dictionary<string, (string Table, IncrementalSpec Spec, string Keys)> rebuilt = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Model, string Field), string> removedKeys = [];

    /// <summary>The relations the build reads now (filled as models run).</summary>
    public Dictionary<string, string> Relations { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="test"/> reads only rebuilt rows (or the rows those touch) rather than its whole table.</summary>
    public bool Narrows(DataTest test) => rebuilt.TryGetValue(test.Model, out var model) && Narrowed(test, model) is not null;

    /// <summary>
    /// Before <paramref name="model"/>'s rows of the keys in <paramref name="keys"/> are deleted: keeps the values of the
    /// fields other models' relationships tests point at, so the values those rows took away can be found after.
    /// </summary>
    public void BeforeUpdate(DbConnection connection, Model model, IncrementalSpec spec, string table, string keys, IReadOnlyList<DataTest> tests)
    {
        rebuilt[model.QualifiedName] = (table, spec, keys);
        foreach (var field in tests.Where(t => t.Parent?.Model == model.QualifiedName).Select(t => t.Parent!.Value.Field).Distinct(StringComparer.Ordinal))
        {
            var saved = $"_gtm_before_{model.Name}_{field}";
            connection.Execute($"drop table if exists {saved}");
            connection.Execute($"create temp table {saved} as select distinct {field} as k from {table} where {spec.By} in (select k from {keys})");
            // A field the model tests unique (the published build passed that test) had the deleted rows' values in no
            // kept row, so a value is gone unless a rebuilt row has it again: only the rebuilt rows are read (at 10M
            // sessions, a day's build compares 1.1M saved session ids with the rebuilt days' instead of probing all 10M).
            removedKeys[(model.QualifiedName, field)] = IsUnique(model, field, tests)
                ? $"(select k from {saved} except select {field} from {table} where {spec.By} in (select k from {keys}))"
                : $"(select k from {saved} where k not in (select {field} from {table} where {field} in (select k from {saved})))";
        }
    }

    private static bool IsUnique(Model model, string field, IReadOnlyList<DataTest> tests) =>
        tests.Any(t => t.Model == model.QualifiedName && t.Kind is ("primary_key" or "unique") && t.KeyColumns is [var only] && only == field);

    /// <summary>
    /// A view rebuilt whole whose rows outside the keys in <paramref name="keys"/> are those the published build tested
    /// (a staging view over raw rows with unchanged fingerprints): its tests read the rows of those keys like a model
    /// updated in place. Not when a relationships test points at it: the values it lost cannot be found once the raw
    /// rows changed, so those tests read it whole.
    /// </summary>
    public void Narrow(Model model, IncrementalSpec spec, string view, string keys, IEnumerable<DataTest> tests)
    {
        if (!tests.Any(t => t.Parent?.Model == model.QualifiedName))
        {
            rebuilt[model.QualifiedName] = (view, spec, keys);
        }
    }

    /// <summary>The rewriter <paramref name="test"/> runs with: its model narrowed to the rows it must read.</summary>
    public SqlRewriter For(DataTest test)
    {
        var all = SqlRewriter.ForRelations(models, buildId, Relations);
        if (!rebuilt.TryGetValue(test.Model, out var model) || Narrowed(test, model) is not { } relation)
        {
            return all;
        }

        return SqlRewriter.ForRelations(models, buildId, new Dictionary<string, string>(Relations, StringComparer.Ordinal) { [test.Model] = relation });
    }

    private string? Narrowed(DataTest test, (string Table, IncrementalSpec Spec, string Keys) model)
    {
        var (table, spec, keys) = model;
        var rebuiltRows = $"{spec.By} in (select k from {keys})";
        if (test.Parent is { } parent)
        {
            return test.Column is { } column ? $"(select * from {table} where {rebuiltRows} or {column} in {Removed(parent.Model, parent.Field)})" : null;
        }

        if (test.FailingRowPredicate is not null || test.KeyColumns.Contains(spec.By, StringComparer.Ordinal))
        {
            return $"(select * from {table} where {rebuiltRows})";
        }

        // Every group a rebuilt row belongs to is read whole: all rows sharing its first key value.
        return test.KeyColumns is [var first, ..]
            ? $"(select * from {table} where {first} in (select {first} from {table} where {rebuiltRows}))"
            : null;
    }

    /// <summary>Values of <paramref name="parent"/>.<paramref name="field"/> the published build had and this one does not.</summary>
    private string Removed(string parent, string field)
    {
        if (removedKeys.TryGetValue((parent, field), out var removed))
        {
            return removed;
        }

        // A parent built whole: its published table is still there to compare with.
        removed = $"(select {field} from {previous[parent]} except select {field} from {Relations[parent]})";
        removedKeys[(parent, field)] = removed;
        return removed;
    }
}
