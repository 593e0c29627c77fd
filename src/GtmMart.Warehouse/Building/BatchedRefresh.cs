using System.Data.Common;
using System.Globalization;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Models;

namespace GtmMart.Warehouse.Building;

/// <summary>
/// The full refresh of a model whose <see cref="IncrementalSpec"/> declares <c>batch:</c> (dbt's microbatch idea): the
/// table is written by one statement per range of its <see cref="IncrementalSpec.By"/> column (a month or a week of
/// it), each computing that range's rows from its inputs filtered as an incremental build filters them (inputs to the
/// range and the lookback before it, keyed inputs to the range itself), so no statement sorts or joins all of the
/// model's rows at once (233M touches at 100M sessions spilled past the disk as one statement). A row's window
/// functions must then be partitioned within its batch, which the spec already promises: a row of a key reads only
/// the inputs of that key and its lookback. The ranges run from the smallest to the largest value of the keyed inputs'
/// columns (else of the inputs'): every row's key must be one of those values, as it is for an incremental rebuild.
/// Portable SQL (date literals, <c>between</c>, <c>create table as</c> then <c>insert</c>), so Snowflake builds the
/// same way.
/// </summary>
internal static class BatchedRefresh
{
    /// <summary>Creates <paramref name="table"/> from <paramref name="model"/>'s SQL, one batch of <paramref name="spec"/>'s key at a time. Returns the number of batches.</summary>
    public static int Materialize(DbConnection connection, Model model, IncrementalSpec spec, SqlRewriter rewriter, string table)
    {
        var batches = Batches(connection, spec, rewriter);
        if (batches.Count == 0)
        {
            // Nothing to split (empty inputs): one statement, as an unbatched model.
            connection.Execute($"create table {table} as {rewriter.Rewrite(model.Sql)}");
            return 0;
        }

        var first = true;
        foreach (var (from, to) in batches)
        {
            var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (input, column) in spec.Inputs)
            {
                // A month-grained row reads its own month's inputs; a day-grained one the lookback days before it too.
                inputs[input] = Filtered(rewriter.Rewrite(input), column, spec.ByMonth ? from : from.AddDays(-spec.LookbackDays), to);
            }

            foreach (var (input, column) in spec.KeyedInputs)
            {
                inputs[input] = Filtered(rewriter.Rewrite(input), column, from, to);
            }

            var sql = rewriter.With(inputs).Rewrite(model.Sql);
            var computed = $"_gtm_batch_{model.Name}";
            if (model.ComputedBy is { } step)
            {
                // A computed model's SQL is its step's input: the step writes the batch's rows apart, then they move in.
                connection.Execute($"drop table if exists {computed}");
                ComputedModels.Get(step).Materialize(connection, sql, computed);
                sql = $"select * from {computed}";
            }

            var rows = $"select * from ({sql}) as batch where {spec.By} between {Date(from)} and {Date(to)}";
            connection.Execute(first ? $"create table {table} as {rows}" : $"insert into {table} {rows}");
            if (model.ComputedBy is not null)
            {
                connection.Execute($"drop table {computed}");
            }

            first = false;
        }

        return batches.Count;
    }

    /// <summary>
    /// The key ranges, first to last: calendar months (<c>batch: month</c>) or 7-day blocks (<c>batch: week</c>) from the
    /// smallest to the largest key the keyed inputs (else the inputs) hold. Empty when they hold none.
    /// </summary>
    internal static List<(DateOnly From, DateOnly To)> Batches(DbConnection connection, IncrementalSpec spec, SqlRewriter rewriter)
    {
        var sources = spec.KeyedInputs.Count > 0 ? spec.KeyedInputs : spec.Inputs;
        DateOnly? low = null, high = null;
        foreach (var (input, column) in sources)
        {
            var (min, max) = connection.Query(
                $"select min({column}), max({column}) from {rewriter.Rewrite(input)}",
                r => (AsDate(r.GetValue(0)), AsDate(r.GetValue(1)))).Single();
            low = min is { } a && (low is null || a < low) ? a : low;
            high = max is { } b && (high is null || b > high) ? b : high;
        }

        var batches = new List<(DateOnly, DateOnly)>();
        if (low is not { } start || high is not { } end)
        {
            return batches;
        }

        if (spec.Batch == "week")
        {
            for (var day = start; day <= end; day = day.AddDays(7))
            {
                batches.Add((day, day.AddDays(6)));
            }
        }
        else
        {
            for (var month = new DateOnly(start.Year, start.Month, 1); month <= end; month = month.AddMonths(1))
            {
                batches.Add((month, month.AddMonths(1).AddDays(-1)));
            }
        }

        return batches;
    }

    private static string Filtered(string relation, string column, DateOnly from, DateOnly to) =>
        $"(select * from {relation} where {column} between {Date(from)} and {Date(to)})";

    private static string Date(DateOnly day) => $"cast('{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}' as date)";

    private static DateOnly? AsDate(object value) => value switch
    {
        DBNull => null,
        DateOnly day => day,
        DateTime time => DateOnly.FromDateTime(time),
        _ => throw new WarehouseException($"A batched model's key must be a date, not {value}."),
    };
}
