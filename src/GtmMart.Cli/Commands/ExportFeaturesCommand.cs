using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public sealed class ExportFeaturesCommand : Command<ExportFeaturesCommand.Settings>
{
    public sealed class Settings : WarehouseSettings
    {
        [CommandOption("-o|--out <DIR>")]
        [Description("Snapshot folder: one Parquet file per feature mart plus manifest.json. Default: features in the warehouse's folder (.gtm/features for the default warehouse)")]
        public string? Out { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var warehouse = settings.OpenWarehouse();
        var manifest = PipelineSteps.Export(warehouse, settings.Out ?? Path.Combine(warehouse.LocalDirectory, "features"));
        foreach (var file in manifest.Files)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"  {file.File}: {file.Rows:N0} rows, {file.Columns.Count} columns, sha256 {file.Sha256[..12]}"));
        }

        return 0;
    }
}
