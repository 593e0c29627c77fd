using System.Globalization;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Loading;
using Spectre.Console;

namespace GtmMart.Cli.Output;

public static class LoadView
{
    public const int RejectSample = 10;

    public static void Print(LoadReport report, IWarehouse warehouse)
    {
        var table = new Table().Title($"Load {report.LoadId}").AddColumns("source", "file", "read", "loaded", "rejected");
        foreach (var column in table.Columns.Skip(2))
        {
            column.RightAligned();
        }

        foreach (var s in report.Sources)
        {
            table.AddRow(
                s.Source,
                Markup.Escape(s.File is null ? "(absent, optional)" : Path.GetFileName(s.File)),
                N(s.Read),
                N(s.Loaded),
                s.Rejected == 0 ? "0" : $"[yellow]{N(s.Rejected)}[/]");
        }

        table.AddRow("[bold]total[/]", "", N(report.Read), N(report.Loaded), N(report.Rejected));
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine(report.History is (0, 0)
            ? "stage history: no opportunity changed (history.opportunity_snapshots unchanged)"
            : $"stage history: {N(report.History.Opened)} opportunity state(s) recorded, {N(report.History.Closed)} superseded (history.opportunity_snapshots)");
        if (report.Rejected == 0)
        {
            return;
        }

        using var connection = warehouse.Open();
        var rejects = connection.Query(
            "select file, line, column_name, reason, raw_value from raw.load_rejects where load_id = $id order by source, line limit $limit",
            r => (File: r.GetString(0), Line: r.GetInt64(1), Column: r.NullableString(2), Reason: r.GetString(3), Value: r.NullableString(4)),
            ("id", report.LoadId), ("limit", RejectSample));
        AnsiConsole.MarkupLine($"[yellow]{N(report.Rejected)} row(s) rejected[/] (all in raw.load_rejects, load_id = {report.LoadId}); first {rejects.Count}:");
        foreach (var r in rejects)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"  {Path.GetFileName(r.File)}:{r.Line} column {r.Column}: {r.Reason} ({r.Value})"));
        }
    }

    internal static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
