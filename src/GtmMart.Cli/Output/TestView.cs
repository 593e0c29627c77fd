using GtmMart.Warehouse.Testing;
using Spectre.Console;

namespace GtmMart.Cli.Output;

public static class TestView
{
    public static void Print(IReadOnlyList<DataTestResult> results)
    {
        var failed = results.Where(r => !r.Passed).ToList();
        foreach (var result in failed)
        {
            AnsiConsole.MarkupLine($"[red]FAIL[/] {Markup.Escape(result.Test.Name)}: {LoadView.N(result.FailingRows)} failing row(s) [grey]({Markup.Escape(result.Test.DeclaredIn)})[/]");
            var table = new Table().AddColumns(result.ColumnNames.Select(Markup.Escape).ToArray());
            foreach (var row in result.Sample)
            {
                table.AddRow(row.Select(v => Markup.Escape(v ?? "NULL")).ToArray());
            }

            AnsiConsole.Write(table);
        }

        var color = failed.Count == 0 ? "green" : "red";
        AnsiConsole.MarkupLine($"[{color}]data tests: {results.Count - failed.Count} passed, {failed.Count} failed[/]");
    }
}
