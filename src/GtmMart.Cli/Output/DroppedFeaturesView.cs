using System.Globalization;
using GtmMart.Training.Opportunity;
using GtmMart.Warehouse.Loading;
using Spectre.Console;

namespace GtmMart.Cli.Output;

/// <summary>
/// The features training left out, and why: constant or empty features that an optional source or column would fill
/// are grouped under it with what it brings (docs/RAW_DATA.md), instead of one unexplained line each.
/// </summary>
public static class DroppedFeaturesView
{
    public static void Print(IReadOnlyList<DroppedFeature> dropped)
    {
        var empty = dropped.Where(d => d.Reason is "constant" or "all missing").ToList();
        var bySource = empty.Where(d => SourceFeatures.For(d.Feature) is not null).GroupBy(d => SourceFeatures.For(d.Feature)!).ToList();
        foreach (var group in bySource)
        {
            AnsiConsole.MarkupLine(Markup.Escape(
                $"  left out {group.Count()} feature(s) with one value or none ({string.Join(", ", group.Select(d => d.Feature))}): " +
                $"they come from {group.Key.Source}, which {group.Key.Brings}; is it loaded and filled? (docs/RAW_DATA.md)"));
        }

        foreach (var d in dropped.Where(d => !bySource.Any(g => g.Contains(d))))
        {
            AnsiConsole.MarkupLine(Markup.Escape($"  left out: {d.Feature} ({d.Reason}{(d.UnivariateAuc is { } auc ? $", AUC alone {auc.ToString("0.000", CultureInfo.InvariantCulture)}" : "")})"));
        }
    }
}
