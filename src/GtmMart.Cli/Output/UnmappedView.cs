using GtmMart.Warehouse.Models;
using Spectre.Console;

namespace GtmMart.Cli.Output;

/// <summary>Raw values no mapping seed names: each with its count and the seed file to add it to.</summary>
public static class UnmappedView
{
    public const int Shown = 10;

    public static void Print(IReadOnlyList<UnmappedValue> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        AnsiConsole.MarkupLine($"[yellow]{values.Count} value(s) not in a seed[/] (they count as 'Other', not senior, ...; add them to the seed file and rebuild):");
        foreach (var value in values.Take(Shown))
        {
            AnsiConsole.MarkupLine(Markup.Escape("  " + Vocabularies.Describe(value)));
        }

        if (values.Count > Shown)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"  ... and {values.Count - Shown} more (gtm_meta.unmapped_values after a build)"));
        }
    }
}
