using System.Data.Common;
using System.Globalization;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Attribution;

/// <summary>
/// The build step behind <c>mart.mrt_markov_removal_effects</c>: reads the month's transition counts (the model's
/// input query: month, from_state, to_state, transitions), solves each month's <see cref="AbsorbingMarkovChain"/> and
/// writes one row per month and channel. Shares are written as decimal(18, 15) that add up to exactly 1 per month:
/// each is rounded, and the remainder goes to the largest share (ties: the channel first in ordinal order).
/// </summary>
public sealed class MarkovRemovalEffects : IComputedModel
{
    public const int ShareDecimals = 15;

    /// <summary>The table's columns and their types (portable DuckDB / Snowflake DDL).</summary>
    public static readonly IReadOnlyList<(string Name, string Type)> Columns =
    [
        ("month", "date"), ("channel", "varchar"), ("paths", "bigint"), ("converting_paths", "bigint"),
        ("conversion_probability", "double"), ("removal_effect", "double"), ("share", "decimal(18, 15)"),
    ];

    public void Materialize(DbConnection connection, string inputSql, string table)
    {
        var transitions = connection.Query(
            $"select month, from_state, to_state, transitions from ({inputSql}) as input",
            r => (Month: ReadDate(r.GetValue(0)), Transition: new Transition(r.GetString(1), r.GetString(2), Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture))));
        var rows = new List<object?[]>();
        foreach (var month in transitions.GroupBy(t => t.Month).OrderBy(g => g.Key))
        {
            rows.AddRange(Rows(month.Key, new AbsorbingMarkovChain(month.Select(t => t.Transition))));
        }

        connection.Execute($"create table {table} ({string.Join(", ", Columns.Select(c => $"{c.Name} {c.Type}"))})");
        const int batch = 100;
        for (var start = 0; start < rows.Count; start += batch)
        {
            var parameters = new List<(string, object?)>();
            var values = rows.Skip(start).Take(batch).Select((row, r) => "(" + string.Join(", ", row.Select((v, c) =>
            {
                parameters.Add(($"p{r}_{c}", v));
                return $"cast(${$"p{r}_{c}"} as {Columns[c].Type})";
            })) + ")");
            connection.Execute($"insert into {table} values {string.Join(", ", values)}", [.. parameters]);
        }
    }

    /// <summary>The rows of one month: channel, paths, converting paths, P(conversion), removal effect, share (as text for exact casts).</summary>
    public static IEnumerable<object?[]> Rows(DateOnly month, AbsorbingMarkovChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var effects = chain.RemovalEffects();
        if (effects.Count == 0)
        {
            yield break;
        }

        var shares = Shares(effects);
        var probability = chain.ConversionProbability().ToDouble();
        foreach (var effect in effects)
        {
            yield return
            [
                month.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), effect.Channel, chain.Paths, chain.ConvertingPaths,
                probability, effect.Effect.ToDouble(), shares[effect.Channel].ToString(CultureInfo.InvariantCulture),
            ];
        }
    }

    /// <summary>Each share rounded to <see cref="ShareDecimals"/> places, the remainder to the largest, so they add up to exactly 1.</summary>
    public static Dictionary<string, decimal> Shares(IReadOnlyList<RemovalEffect> effects)
    {
        ArgumentNullException.ThrowIfNull(effects);
        var shares = effects.ToDictionary(e => e.Channel, e => e.Share.ToDecimal(ShareDecimals), StringComparer.Ordinal);
        var largest = effects.OrderByDescending(e => shares[e.Channel]).ThenBy(e => e.Channel, StringComparer.Ordinal).First().Channel;
        shares[largest] += 1m - shares.Values.Sum();
        return shares;
    }

    private static DateOnly ReadDate(object value) => value switch
    {
        DateOnly date => date,
        DateTime time => DateOnly.FromDateTime(time),
        _ => DateOnly.Parse(Convert.ToString(value, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture),
    };
}
