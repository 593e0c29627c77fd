using System.Globalization;
using GtmMart.Warehouse.Building;
using Spectre.Console;

namespace GtmMart.Cli.Output;

/// <summary>
/// <c>gtm build --timings</c>: every step of the build with its time and share, slowest marked, in run order; a model a
/// full refresh wrote in batches says how many.
/// </summary>
public static class TimingsView
{
    public static void Print(BuildResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var total = result.Timings.Sum(s => s.Elapsed.TotalSeconds);
        var rows = result.Models.ToDictionary(m => m.Model, m => m.Rows, StringComparer.Ordinal);
        var batches = result.Models.Where(m => m.Batches > 0).ToDictionary(m => m.Model, m => m.Batches, StringComparer.Ordinal);
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("step").AddColumn(new TableColumn("seconds").RightAligned())
            .AddColumn(new TableColumn("CPU s").RightAligned()).AddColumn(new TableColumn("share").RightAligned()).AddColumn(new TableColumn("rows").RightAligned());
        foreach (var step in result.Timings)
        {
            var share = total > 0 ? step.Elapsed.TotalSeconds / total : 0;
            var seconds = step.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
            table.AddRow(
                Markup.Escape(batches.TryGetValue(step.Name, out var b) ? $"{step.Name} ({b} batches)" : step.Name),
                share >= 0.1 ? $"[bold]{seconds}[/]" : seconds,
                step.Cpu.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture),
                share.ToString("P0", CultureInfo.InvariantCulture),
                rows.TryGetValue(step.Name, out var n) && n >= 0 ? n.ToString("N0", CultureInfo.InvariantCulture) : "");
        }

        table.AddRow("[bold]total[/]", total.ToString("0.000", CultureInfo.InvariantCulture), result.Timings.Sum(s => s.Cpu.TotalSeconds).ToString("0.000", CultureInfo.InvariantCulture), "", "");
        AnsiConsole.Write(table);
    }
}
