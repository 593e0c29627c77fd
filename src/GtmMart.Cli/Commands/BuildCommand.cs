using System.ComponentModel;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public sealed class BuildCommand : Command<BuildCommand.Settings>
{
    public sealed class Settings : WarehouseSettings
    {
        [CommandOption("--full-refresh")]
        [Description("Rebuild every model from scratch instead of only what changed since the published build")]
        public bool FullRefresh { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        PipelineSteps.Build(settings.OpenWarehouse(), settings.LoadCatalog(), cancellationToken, settings.FullRefresh);
        return 0;
    }
}
