using GtmMart.Tests.Support;

namespace GtmMart.Tests.DemoData;

/// <summary>Re-measures the hard-coded <see cref="SeedTargets"/> on ../shared/seed-data (skipped when absent, unless CI=true).</summary>
public sealed class SeedTargetsMatchSeedDataTests
{
    [SeedFact]
    public void Hard_coded_seed_rates_match_the_seed_files()
    {
        var sessions = CsvFile(Path.Combine(RepoPaths.SeedData, "web_analytics.csv"));
        var opportunities = CsvFile(Path.Combine(RepoPaths.SeedData, "salesforce_opportunities.csv"));
        var adSpend = CsvFile(Path.Combine(RepoPaths.SeedData, "ad_spend.csv"));

        Assert.Equal(SeedTargets.Sessions, sessions.Count);
        Assert.Equal(SeedTargets.FormSubmissions, sessions.Count(r => r["conversions"] != "0"));
        Assert.Equal(SeedTargets.Opportunities, opportunities.Count);
        Assert.Equal(SeedTargets.AccountsWithOpportunities, opportunities.Select(r => r["account_id"]).Distinct().Count());
        AssertMix(SeedTargets.StageMix, opportunities.Select(r => r["stage"]));
        AssertMix(SeedTargets.SourceMix, opportunities.Select(r => r["source"]));
        AssertMix(SeedTargets.RegionMix, opportunities.Select(r => r["owner_region"]));
        AssertMix(SeedTargets.ChannelMix, sessions.Select(r => r["utm_source"]));

        var clicks = adSpend.Sum(r => long.Parse(r["clicks"], System.Globalization.CultureInfo.InvariantCulture));
        var impressions = adSpend.Sum(r => long.Parse(r["impressions"], System.Globalization.CultureInfo.InvariantCulture));
        var paid = sessions.Count(r => r["utm_source"] is not ("" or "organic"));
        Assert.Equal(SeedTargets.ClicksPerPaidSession, clicks / (double)paid, 6);
        Assert.Equal(SeedTargets.ClickThroughRate, clicks / (double)impressions, 6);
    }

    private static void AssertMix(IReadOnlyDictionary<string, double> expected, IEnumerable<string> values)
    {
        var list = values.ToList();
        var actual = list.GroupBy(v => v, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count() / (double)list.Count, StringComparer.Ordinal);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, share) in expected)
        {
            Assert.Equal(share, actual[key], 6);
        }
    }

    /// <summary>Seed files use CRLF and never quote: split plainly.</summary>
    private static List<Dictionary<string, string>> CsvFile(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return [.. lines.Skip(1).Where(l => l.Length > 0).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal))];
    }
}
