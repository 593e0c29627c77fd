using System.Text.RegularExpressions;
using GtmMart.DemoData.Model;
using GtmMart.Tests.Support;

namespace GtmMart.Tests.FeatureContract;

/// <summary>
/// The examples in the proto comments are values the data has: every quoted value in the comment of a field that holds
/// a channel, employee band, industry, region or country is in its vocabulary (sql/seeds, the demo data's catalog), so
/// an integration that copies an example sends a value the models know.
/// </summary>
public sealed partial class ProtoExampleTests
{
    [Fact]
    public void Examples_of_categorical_fields_come_from_the_real_vocabularies()
    {
        var channels = Seed("channels.csv").Append("Total").ToHashSet(StringComparer.Ordinal);
        var vocabularies = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal)
        {
            ["channel"] = channels,
            ["employee_band"] = Seed("employee_bands.csv").Where(b => b != "Unknown").ToHashSet(StringComparer.Ordinal),
            ["industry"] = Catalog.Industries.Select(i => i.Name).ToHashSet(StringComparer.Ordinal),
            ["region"] = Catalog.Regions.Select(r => r.Name).ToHashSet(StringComparer.Ordinal),
            ["account_region"] = Catalog.Regions.Select(r => r.Name).ToHashSet(StringComparer.Ordinal),
            ["owner_region"] = Catalog.Regions.Select(r => r.Name).ToHashSet(StringComparer.Ordinal),
            ["country"] = Catalog.Regions.SelectMany(r => r.Countries.Select(c => c.Name)).ToHashSet(StringComparer.Ordinal),
        };

        var checkedExamples = 0;
        var wrong = new List<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "protos", "gtm", "v1"), "*.proto"))
        {
            var comment = new List<string>();
            foreach (var line in File.ReadLines(file).Select(l => l.Trim()))
            {
                if (line.StartsWith("//", StringComparison.Ordinal))
                {
                    comment.Add(line);
                    continue;
                }

                if (FieldPattern().Match(line) is { Success: true } field && vocabularies.TryGetValue(field.Groups["name"].Value, out var vocabulary))
                {
                    foreach (var example in comment.SelectMany(c => QuotedPattern().Matches(c).Select(m => m.Groups[1].Value)))
                    {
                        checkedExamples++;
                        if (!vocabulary.Contains(example))
                        {
                            wrong.Add($"{Path.GetFileName(file)} {field.Groups["name"].Value}: \"{example}\"");
                        }
                    }
                }

                comment.Clear();
            }
        }

        Assert.Empty(wrong);
        Assert.True(checkedExamples >= 20, $"only {checkedExamples} examples checked");
    }

    private static IEnumerable<string> Seed(string file) =>
        File.ReadLines(Path.Combine(RepoPaths.Sql, "seeds", file)).Skip(1).Select(l => l.Split(',')[0]).Where(v => v.Length > 0);

    [GeneratedRegex(@"^(optional\s+)?string\s+(?<name>\w+)\s*=\s*\d+;")]
    private static partial Regex FieldPattern();

    [GeneratedRegex("\"([^\"]+)\"")]
    private static partial Regex QuotedPattern();
}
