using System.Data.Common;
using System.Globalization;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Loading;

namespace GtmMart.Warehouse.Models;

/// <summary>A raw value a mapping seed does not name, and how many records carry it.</summary>
public sealed record UnmappedValue(string Seed, string RawColumn, string Value, long Rows)
{
    public string SeedFile => $"sql/seeds/{Seed}.csv";
}

/// <summary>
/// Finds the values of the raw columns a mapping seed applies to (<c>applies_to</c> in <c>sql/seeds/_models.yml</c>)
/// that the seed does not name, matched as the models match them (trimmed, lower case). <c>gtm load</c> and
/// <c>gtm build</c> report them; the build keeps them in <c>gtm_meta.unmapped_values</c>.
/// </summary>
public static class Vocabularies
{
    /// <summary>
    /// The unmapped values, counted from the raw tables, or with <paramref name="keptCounts"/> (a build, once the
    /// fingerprints are current) from the value counts the loads keep in <c>raw.fingerprints</c> where a column has them.
    /// </summary>
    public static IReadOnlyList<UnmappedValue> Unmapped(DbConnection connection, ModelCatalog catalog, bool keptCounts = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var found = new List<UnmappedValue>();
        foreach (var model in catalog.Models.Where(m => m.Seed is { AppliesTo.Count: > 0 }))
        {
            var keys = model.Seed!.Keys.Select(k => k.Trim().ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
            foreach (var target in model.Seed.AppliesTo)
            {
                var parts = target.Split('.');
                if (parts.Length != 3 || parts[0] != "raw")
                {
                    throw new WarehouseException($"sql/seeds/_models.yml: applies_to of {model.Name} must name raw.<table>.<column>, not {target}.");
                }

                if (!WarehouseReadiness.TableExists(connection, parts[0], parts[1]))
                {
                    continue;
                }

                var column = $"lower(trim(cast({parts[2]} as varchar)))";
                var kind = RawFingerprints.ValueKind(parts[1], parts[2]);
                var counted = keptCounts && connection.Scalar<long>($"select count(*) from {RawFingerprints.Table} where kind = $kind", ("kind", kind)) > 0;
                var query = counted
                    ? $"select key as value, cast(sum(n) as bigint) as n from {RawFingerprints.Table} where kind = $kind and key is not null and key <> '' group by key"
                    : $"select {column} as value, count(*) as n from {parts[0]}.{parts[1]} where nullif(trim(cast({parts[2]} as varchar)), '') is not null group by {column}";
                found.AddRange(connection.Query(
                        query,
                        r => (Value: r.GetString(0), Rows: Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture)),
                        counted ? [("kind", kind)] : [])
                    .Where(v => !keys.Contains(v.Value))
                    .OrderByDescending(v => v.Rows).ThenBy(v => v.Value, StringComparer.Ordinal)
                    .Select(v => new UnmappedValue(model.Name, target, v.Value, v.Rows)));
            }
        }

        return found;
    }

    /// <summary>Keeps build <paramref name="buildId"/>'s unmapped values in <c>gtm_meta.unmapped_values</c>.</summary>
    public static void Record(DbConnection connection, long buildId, IReadOnlyList<UnmappedValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        connection.Execute(
            $"create table if not exists {BuildMetadata.Schema}.unmapped_values (build_id bigint not null, seed varchar not null, raw_column varchar not null, value varchar not null, row_count bigint not null)");
        foreach (var v in values)
        {
            connection.Execute(
                $"insert into {BuildMetadata.Schema}.unmapped_values values ($build, $seed, $column, $value, $rows)",
                ("build", buildId), ("seed", v.Seed), ("column", v.RawColumn), ("value", v.Value), ("rows", v.Rows));
        }
    }

    /// <summary>One line per value: what it is, how often, what it counts as meanwhile and where to map it.</summary>
    public static string Describe(UnmappedValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return $"{value.RawColumn} '{value.Value}' ({value.Rows:N0} rows) is not in {value.SeedFile}";
    }
}
