using System.Globalization;
using GtmMart.DemoData;
using GtmMart.Tests.Support;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;

namespace GtmMart.Tests.Attribution;

/// <summary>
/// The same raw data gives the same attribution, to the last digit: two warehouses load the same demo exports (the
/// second with every file's rows in reverse order), build, and a full refresh of the first builds again; the three
/// attribution tables are identical, and the invariants hold on them.
/// </summary>
public sealed class AttributionDeterminismTests
{
    private static readonly string[] Tables = ["mart.mrt_opportunity_touches", "mart.mrt_markov_removal_effects", "mart.mrt_channel_attribution"];

    [Fact]
    public void Two_builds_from_the_same_raw_data_give_identical_attribution_tables()
    {
        using var first = new TestWarehouse();
        using var second = new TestWarehouse();
        var raw = first.Folder.Sub("raw");
        DemoDataGenerator.Generate(new GeneratorOptions { OutputDirectory = raw, Accounts = 150, Seed = 9, Days = 120 });
        var reversed = second.Folder.Sub("raw");
        foreach (var file in Directory.GetFiles(raw, "*.csv"))
        {
            var lines = File.ReadAllLines(file);
            File.WriteAllLines(Path.Combine(reversed, Path.GetFileName(file)), lines.Take(1).Concat(lines.Skip(1).Reverse()));
        }

        var catalog = ModelCatalog.Load(RepoPaths.Sql);
        Build(first, raw, catalog, fullRefresh: false);
        var once = Tables.ToDictionary(t => t, t => Dump(first, t));
        Build(second, reversed, catalog, fullRefresh: false);
        Assert.True(new MartBuilder(first.Warehouse, catalog).Build(fullRefresh: true).Published);

        foreach (var table in Tables)
        {
            Assert.True(once[table].Count > 0, $"{table} is empty");
            Assert.Equal(once[table], Dump(second, table));
            Assert.Equal(once[table], Dump(first, table));
        }

        Assert.True(first.Scalar<long>("select count(distinct month) from mart.mrt_markov_removal_effects") >= 3);
        Assert.Equal(0, first.Scalar<long>(AttributionInvariants.Sql));
    }

    private static void Build(TestWarehouse db, string raw, ModelCatalog catalog, bool fullRefresh)
    {
        new RawLoader(db.Warehouse).Load(raw);
        var result = new MartBuilder(db.Warehouse, catalog).Build(fullRefresh);
        Assert.True(result.Published, string.Join("; ", result.Failures.Select(f => f.Test.Name)));
    }

    /// <summary>Every row as exact text (doubles round-trip, decimals with their scale), in a total order.</summary>
    private static List<string> Dump(TestWarehouse db, string table) =>
        db.Rows($"select * from {table} order by all")
            .Select(r => string.Join("|", r.Select(v => v switch
            {
                null => "null",
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                _ => Convert.ToString(v, CultureInfo.InvariantCulture),
            })))
            .ToList();
}
