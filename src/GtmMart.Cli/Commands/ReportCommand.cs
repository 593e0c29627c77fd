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
        [Description("HTML file to write. Default: report.html beside the warehouse (.gtm/report.html)")]
        public string? Out { get; init; }

        [CommandOption("--models <DIR>")]
        [Description("Model registry whose active model cards the page lists. Default: $GTM_MODELS, else ./models")]
        public string? Models { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        PipelineSteps.Report(settings.OpenWarehouse(), settings.ResolveSqlDirectory(), settings.Models, settings.Out);
        return 0;
    }
}
