using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public sealed class BuildCommand : Command<WarehouseSettings>
{
    public override int Execute(CommandContext context, WarehouseSettings settings, CancellationToken cancellationToken)
    {
        PipelineSteps.Build(settings.OpenWarehouse(), settings.LoadCatalog(), cancellationToken);
        return 0;
    }
}
