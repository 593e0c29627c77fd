using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public sealed class ExportFeaturesCommand : Command<ExportFeaturesCommand.Settings>
{
    public sealed class Settings : WarehouseSettings
    {
        [CommandOption("-o|--out <DIR>")]
        [Description("Snapshot folder: one Parquet file per feature mart plus manifest.json")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out DIR is required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var manifest = PipelineSteps.Export(settings.OpenWarehouse(), settings.Out!);
        foreach (var file in manifest.Files)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"  {file.File}: {file.Rows:N0} rows, {file.Columns.Count} columns, sha256 {file.Sha256[..12]}"));
        }

        return 0;
    }
}
