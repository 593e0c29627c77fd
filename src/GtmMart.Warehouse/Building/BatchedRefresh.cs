using System.Data.Common;
using System.Globalization;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Models;

namespace GtmMart.Warehouse.Building;

/// <summary>
/// The full refresh of a model whose <see cref="IncrementalSpec"/> declares <c>batch:</c> (dbt's microbatch idea): the
/// table is written by one statement per range of its <see cref="IncrementalSpec.By"/> column, each computing that
/// range's rows from its inputs filtered as an incremental build filters them (inputs to the range and the lookback
/// before it, keyed inputs to the range itself), so no statement sorts or joins more of the model's rows than memory
/// holds (233M touches at 100M sessions spilled past the disk as one statement). A range is a run of consecutive
/// calendar months (<c>batch: month</c>) or 7-day blocks (<c>batch: week</c>), as many as fit the row budget
/// (<see cref="RowBudget"/>, from the engine's memory): at 1M sessions each model is one statement, at 100M one month
/// each. A row's window functions must then be partitioned within its batch, which the spec already promises: a row of
/// a key reads only the inputs of that key and its lookback. The ranges run from the smallest to the largest value of
/// the keyed inputs' columns (else of the inputs'): every row's key must be one of those values, as it is for an
/// incremental rebuild. Portable SQL (a count per key value, date literals, <c>between</c>, <c>create table as</c>
/// then <c>insert</c>), so Snowflake builds the same way.
/// </summary>
internal static class BatchedRefresh
{
    /// <summary>
    /// Bytes of the engine's memory a batch may take per row of its inputs' own range (<see cref="Batches"/>): the largest
    /// batch measured (a month of the touches at 100M sessions: 11.7M sessions and opportunities created that month, 33M
    /// touches) ran under a 7 GiB DuckDB memory limit with at most 4.7 GB spilled, so a batch is kept to at most as many
    /// rows per byte of memory as that month (7 GiB / 640 B = 11.7M rows). docs/BENCHMARKS.md, stop 31.
    /// </summary>
    public const long BytesPerRow = 640;

    /// <summary>The most input rows (of the batch's own range) one batch may read, for <paramref name="memoryBytes"/> of engine memory.</summary>
    public static long RowBudget(long memoryBytes) => Math.Max(1, memoryBytes / BytesPerRow);

    /// <summary>
    /// Creates <paramref name="table"/> from <paramref name="model"/>'s SQL, one statement per range of
    /// <paramref name="batches"/> (from <see cref="Batches"/>; a model they give one range or none is written by the
    /// builder as an unbatched model). Returns the number of batches.
    /// </summary>
    public static int Materialize(DbConnection connection, Model model, IncrementalSpec spec, SqlRewriter rewriter, string table, IReadOnlyList<(DateOnly From, DateOnly To)> batches)
    {
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
    /// smallest to the largest key the keyed inputs (else the inputs) hold, consecutive ones merged while the rows of
    /// every input and keyed input whose column falls in the merged range add up to at most <paramref name="rowBudget"/>
    /// (a month or week over the budget is a batch of its own). Those rows grow with what the batch writes and sorts;
    /// the lookback before a range is read once per batch, streamed through its join. Empty when the inputs hold no key.
    /// </summary>
    internal static List<(DateOnly From, DateOnly To)> Batches(DbConnection connection, IncrementalSpec spec, SqlRewriter rewriter, long rowBudget)
    {
        // One count per key value of each input: a scan of one column, a few hundred rows back.
        var counted = spec.Inputs.Concat(spec.KeyedInputs)
            .Select(source => (Keyed: spec.KeyedInputs.Count == 0 || spec.KeyedInputs.ContainsKey(source.Key), Counts: Counts(connection, rewriter.Rewrite(source.Key), source.Value)))
            .ToList();
        var keys = counted.Where(c => c.Keyed).SelectMany(c => c.Counts.Keys).ToList();
        var batches = new List<(DateOnly, DateOnly)>();
        if (keys.Count == 0)
        {
            return batches;
        }

        var ranges = Ranges(spec.Batch, keys.Min(), keys.Max());
        var rows = new long[ranges.Count];
        foreach (var (day, count) in counted.SelectMany(c => c.Counts))
        {
            if (RangeOf(ranges, day) is { } index)
            {
                rows[index] += count;
            }
        }

        var (from, to) = ranges[0];
        var held = rows[0];
        for (var i = 1; i < ranges.Count; i++)
        {
            if (held + rows[i] <= rowBudget)
            {
                to = ranges[i].To;
                held += rows[i];
                continue;
            }

            batches.Add((from, to));
            (from, to) = ranges[i];
            held = rows[i];
        }

        batches.Add((from, to));
        return batches;
    }

    /// <summary>Months or 7-day blocks covering <paramref name="start"/> to <paramref name="end"/>, in order.</summary>
    private static List<(DateOnly From, DateOnly To)> Ranges(string? batch, DateOnly start, DateOnly end)
    {
        var ranges = new List<(DateOnly, DateOnly)>();
        if (batch == "week")
        {
            for (var day = start; day <= end; day = day.AddDays(7))
            {
                ranges.Add((day, day.AddDays(6)));
            }
        }
        else
        {
            for (var month = new DateOnly(start.Year, start.Month, 1); month <= end; month = month.AddMonths(1))
            {
                ranges.Add((month, month.AddMonths(1).AddDays(-1)));
            }
        }

        return ranges;
    }

    private static int? RangeOf(List<(DateOnly From, DateOnly To)> ranges, DateOnly day)
    {
        if (day < ranges[0].From || day > ranges[^1].To)
        {
            return null;
        }

        var index = ranges.BinarySearch((day, DateOnly.MaxValue), Comparer<(DateOnly From, DateOnly To)>.Create((a, b) => a.From.CompareTo(b.From)));
        return index >= 0 ? index : ~index - 1;
    }

    /// <summary>The rows of <paramref name="relation"/> per day of its date <paramref name="column"/> (NULLs left out).</summary>
    private static Dictionary<DateOnly, long> Counts(DbConnection connection, string relation, string column) =>
        connection.Query(
            $"select cast({column} as date) as batch_key, count(*) as batch_rows from {relation} where {column} is not null group by cast({column} as date)",
            r => (Key: AsDate(r.GetValue(0)), Rows: Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture)))
        .Where(c => c.Key is not null)
        .GroupBy(c => c.Key!.Value)
        .ToDictionary(g => g.Key, g => g.Sum(c => c.Rows));

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
