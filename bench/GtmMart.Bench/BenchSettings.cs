using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;

namespace GtmMart.Bench;

/// <summary>Options every benchmark command shares: where its results section goes and which models it builds.</summary>
public class BenchSettings : CommandSettings
{
    [CommandOption("--out <FILE>")]
    [Description("Markdown file the results section is written to")]
    [DefaultValue("docs/BENCHMARKS.md")]
    public string Out { get; init; } = "docs/BENCHMARKS.md";

    [CommandOption("--sql-dir <DIR>")]
    [Description("Models to build (default ./sql)")]
    public string SqlDir { get; init; } = "sql";

    /// <summary>Parses a comma-separated list of whole numbers such as <c>1000000,10000000</c>.</summary>
    public static List<long> Numbers(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToList();
}
