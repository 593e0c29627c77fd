using GtmMart.Tests.Support;
using GtmMart.Warehouse.Loading;

namespace GtmMart.Tests.Loading;

/// <summary>docs/RAW_DATA.md describes what the loader reads: every source and column, and what each optional one unlocks.</summary>
public sealed class RawDataDocTests
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "RAW_DATA.md"));

    [Fact]
    public void Every_source_and_column_is_documented_with_its_type_and_whether_it_is_required()
    {
        foreach (var source in RawSources.All)
        {
            var heading = $"### {source.Name} ({(source.Optional ? "optional" : "required")})";
            Assert.Contains(heading, Doc, StringComparison.Ordinal);
            var section = Doc[Doc.IndexOf(heading, StringComparison.Ordinal)..];
            section = section[..(section.IndexOf("\n### ", 4, StringComparison.Ordinal) is var end and > 0 ? end : section.Length)];
            foreach (var column in source.Columns)
            {
                var type = column.Type switch
                {
                    RawType.Text => "text",
                    RawType.Date => "date",
                    RawType.WholeNumber => "whole number",
                    _ => "decimal",
                };
                var value = !column.InFile ? "optional column" : column.NotNull ? "required" : "optional";
                Assert.Contains($"| {column.Name} | {type} | {value} |", section, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Every_optional_source_lists_the_features_it_unlocks()
    {
        foreach (var unlock in SourceFeatures.All)
        {
            var row = Doc.Split('\n').Single(l => l.StartsWith($"| `{unlock.Source}` |", StringComparison.Ordinal));
            foreach (var feature in unlock.Features.Where(f => f is not ("region" or "country" or "revenue_per_employee")))
            {
                Assert.Contains(feature.Split('_')[0], row, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Load_help_points_to_the_document()
    {
        var help = GtmProcess.Run(RepoPaths.Root, "load", "--help");

        Assert.Contains("docs/RAW_DATA.md", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("docs/RAW_DATA.md", File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")), StringComparison.Ordinal);
    }
}
