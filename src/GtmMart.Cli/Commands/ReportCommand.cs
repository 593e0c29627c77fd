using System.ComponentModel;
using GtmMart.Reporting;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

/// <summary><c>gtm report</c>: writes the GTM dashboard (one self-contained HTML file) from the warehouse; see <see cref="GtmReport"/>.</summary>
public sealed class ReportCommand : Command<ReportCommand.Settings>
{
    public sealed class Settings : WarehouseSettings
    {
        [CommandOption("-o|--out <PATH>")]
        [Description("HTML file to write. Default: report.html in the warehouse's folder (.gtm/report.html for the default warehouse, <name>/report.html beside any other)")]
        public string? Out { get; init; }

        [CommandOption("--models <DIR>")]
        [Description("Model registry whose active model cards the page lists. Default: $GTM_MODELS, else the warehouse's registry (./models for the default warehouse)")]
        public string? Models { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var warehouse = settings.OpenWarehouse();
        PipelineSteps.Report(warehouse, settings.ResolveSqlDirectory(), WarehouseSettings.ResolveModels(settings.Models, warehouse), settings.Out);
        return 0;
    }
}
