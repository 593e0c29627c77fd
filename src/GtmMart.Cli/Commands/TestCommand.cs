using System.ComponentModel;
using System.Globalization;
using GtmMart.Cli.Output;
using GtmMart.Serving;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.History;
using GtmMart.Warehouse.Models;
using GtmMart.Warehouse.Testing;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public sealed class TestCommand : Command<TestCommand.Settings>
{
    public sealed class Settings : WarehouseSettings
    {
        [CommandOption("--as-of <DATE>")]
        [Description("Date (yyyy-MM-dd) source freshness is measured from. Default: today (UTC)")]
        public string? AsOf { get; init; }

        [CommandOption("--warn-after <DAYS>")]
        [Description("A source whose newest date is more than this many days before --as-of is a warning")]
        [DefaultValue(SourceFreshness.DefaultWarnAfterDays)]
        public int WarnAfter { get; init; } = SourceFreshness.DefaultWarnAfterDays;

        [CommandOption("--error-after <DAYS>")]
        [Description("A source whose newest date is more than this many days before --as-of fails the command")]
        [DefaultValue(SourceFreshness.DefaultErrorAfterDays)]
        public int ErrorAfter { get; init; } = SourceFreshness.DefaultErrorAfterDays;

        public override ValidationResult Validate() =>
            AsOf is not null && !DateOnly.TryParseExact(AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                ? ValidationResult.Error("--as-of must be a date, yyyy-MM-dd")
                : WarnAfter < 0 || ErrorAfter < WarnAfter ? ValidationResult.Error("need 0 <= --warn-after <= --error-after")
                : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var catalog = settings.LoadCatalog();
        using var connection = settings.OpenWarehouse().Open();
        var build = WarehouseReadiness.RequirePublished(connection);

        // The score tables (sql/scores) and the history tables (sql/history) are tested too once a write-back or a
        // load has created them.
        var scoreTests = ScoreTables.ExistingTests(connection);
        // A build creates the score history's tables empty (its models read them), but their tests link to the score
        // ledger, which only a write-back creates: they run once scores were written back.
        var historyTests = HistoryTables.Set.ExistingTests(connection)
            .Where(t => scoreTests.Count > 0 || !ScoreHistory.DataTests.Contains(t))
            .ToList();
        using var step = ProgressStep.Start(
            $"running {catalog.Tests.Count} data tests against published build {build}" +
            (scoreTests.Count > 0 ? $" and {scoreTests.Count} on the score tables" : " (no score tables yet: nothing written back)") +
            (historyTests.Count > 0 ? $" and {historyTests.Count} on the history tables" : ""));
        var results = DataTestRunner.Run(connection, catalog.Tests, SqlRewriter.Published(catalog.Models), views: catalog.Views)
            .Concat(ScoreTables.Test(connection, scoreTests))
            .Concat(HistoryTables.Set.Test(connection, historyTests))
            .ToList();
        step.Done();
        TestView.Print(results);

        var asOf = settings.AsOf is null ? DateOnly.FromDateTime(DateTime.UtcNow) : DateOnly.ParseExact(settings.AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var freshness = SourceFreshness.Check(connection, asOf, settings.WarnAfter, settings.ErrorAfter);
        foreach (var f in freshness)
        {
            var color = f.Status switch { "ok" => "green", "warn" => "yellow", _ => "red" };
            AnsiConsole.MarkupLine($"[{color}]freshness[/] {Markup.Escape(f.Describe())}");
        }

        AnsiConsole.MarkupLine(Markup.Escape($"freshness as of {asOf:yyyy-MM-dd}: warn after {settings.WarnAfter} day(s), error after {settings.ErrorAfter}"));
        return results.All(r => r.Passed) && freshness.All(f => f.Status != "error") ? 0 : 1;
    }
}
