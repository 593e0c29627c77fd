using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public sealed class LoadCommand : Command<LoadCommand.Settings>
{
    public sealed class Settings : LoadFormatSettings
    {
        [CommandOption("-r|--raw <DIR>")]
        [Description("Replace every raw table with this folder: ad_spend, web_analytics, salesforce_opportunities (.csv or .parquet) and optionally salesforce_accounts, crm_contacts. Columns, types and formats: docs/RAW_DATA.md")]
        public string? Raw { get; init; }

        [CommandOption("--append <DIR>")]
        [Description("Add this folder's files (any of the five sources) to what is loaded: same rejects; a record whose key is loaded already replaces it (a restated day, a changed stage)")]
        public string? Append { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Raw) == string.IsNullOrWhiteSpace(Append)
                ? ValidationResult.Error("give either --raw DIR (replace everything) or --append DIR (add new files)")
                : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var append = !string.IsNullOrWhiteSpace(settings.Append);
        var warehouse = settings.OpenOrCreateWarehouse();
        PipelineSteps.Load(warehouse, append ? settings.Append! : settings.Raw!, settings.ToLoadOptions(append));
        PipelineSteps.ReportUnmapped(warehouse, settings.LoadCatalog());
        return 0;
    }
}
