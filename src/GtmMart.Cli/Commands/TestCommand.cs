using GtmMart.Cli.Output;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Models;
using GtmMart.Warehouse.Testing;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public sealed class TestCommand : Command<WarehouseSettings>
{
    public override int Execute(CommandContext context, WarehouseSettings settings, CancellationToken cancellationToken)
    {
        var catalog = settings.LoadCatalog();
        using var connection = settings.OpenWarehouse().Open();
        var build = WarehouseReadiness.RequirePublished(connection);

        using var step = ProgressStep.Start($"running {catalog.Tests.Count} data tests against published build {build}");
        var results = DataTestRunner.Run(connection, catalog.Tests, SqlRewriter.Published(catalog.Models));
        step.Done();
        TestView.Print(results);
        return results.All(r => r.Passed) ? 0 : 1;
    }
}
