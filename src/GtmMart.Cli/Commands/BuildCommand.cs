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

        [CommandOption("--timings")]
        [Description("Print every build step (fingerprints, change set, each model, data tests, unmapped-value scan, publish) with its time")]
        public bool Timings { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        PipelineSteps.Build(settings.OpenWarehouse(), settings.LoadCatalog(), cancellationToken, settings.FullRefresh, settings.Timings);
        return 0;
    }
}
