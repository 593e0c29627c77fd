using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public sealed class LoadCommand : Command<LoadCommand.Settings>
{
    public sealed class Settings : WarehouseSettings
    {
        [CommandOption("-r|--raw <DIR>")]
        [Description("Folder with ad_spend, web_analytics, salesforce_opportunities (.csv or .parquet) and optionally salesforce_accounts, crm_contacts")]
        public string? Raw { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Raw) ? ValidationResult.Error("--raw DIR is required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        PipelineSteps.Load(settings.OpenOrCreateWarehouse(), settings.Raw!);
        return 0;
    }
}
