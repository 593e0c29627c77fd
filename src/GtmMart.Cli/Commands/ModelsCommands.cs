using System.ComponentModel;
using System.Text.Json;
using GtmMart.Scoring.Registry;
using GtmMart.Warehouse.Connection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public class ModelsSettings : CommandSettings
{
    [CommandOption("--models <DIR>")]
    [Description("Model registry folder. Default: $GTM_MODELS, else the warehouse's own (./models for the default warehouse, <folder>/<name>/models beside any other DuckDB file)")]
    public string? Models { get; init; }

    [CommandOption("-w|--warehouse <PATH>")]
    [Description("Warehouse whose registry to use when --models is not given (as for gtm run). Default: $GTM_WAREHOUSE, else .gtm/warehouse.duckdb")]
    public string? Warehouse { get; init; }

    public ModelRegistry OpenRegistry() =>
        new(WarehouseSettings.ResolveModels(Models, WarehouseLocator.Resolve(Warehouse)));
}

public class ModelArgumentSettings : ModelsSettings
{
    [CommandArgument(0, "<MODEL>")]
    [Description("Model name, e.g. opportunity-scoring or icp")]
    public string Model { get; init; } = "";

    [CommandArgument(1, "[VERSION]")]
    [Description("Version, e.g. v0002 (show: default the active one)")]
    public string? Version { get; init; }
}

public sealed class ModelsShowCommand : Command<ModelArgumentSettings>
{
    public override int Execute(CommandContext context, ModelArgumentSettings settings, CancellationToken cancellationToken)
    {
        var registry = settings.OpenRegistry();
        var version = settings.Version is null
            ? registry.Active(settings.Model) ?? throw new ArgumentException($"model {settings.Model} has no active version in {registry.Root}")
            : registry.Get(settings.Model, settings.Version);
        Console.WriteLine(JsonSerializer.Serialize(version.Card, ModelCard.Json));
        return 0;
    }
}

public sealed class ModelsPromoteCommand : Command<ModelsPromoteCommand.Settings>
{
    public sealed class Settings : ModelArgumentSettings
    {
        [CommandOption("--force")]
        [Description("Promote a version the promotion gate refused; recorded in the registry (active.json) and shown by gtm models list")]
        public bool Force { get; init; }

        [CommandOption("--reason <TEXT>")]
        [Description("Why (recorded with the promotion; advisable with --force)")]
        public string? Reason { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Version is null)
        {
            throw new ArgumentException("promote needs a version, e.g. gtm models promote opportunity-scoring v0002");
        }

        var registry = settings.OpenRegistry();
        var active = registry.Promote(settings.Model, settings.Version, settings.Force, settings.Reason);
        if (active.RefusedByGate)
        {
            AnsiConsole.MarkupLine(Markup.Escape(
                $"warning: {active.Model} {active.Version} was refused by the promotion gate and is active only because of --force (recorded in {Path.Combine(registry.Root, active.Model, "active.json")}): {active.Card.Gate!.Reason}"));
        }

        AnsiConsole.MarkupLine($"[green]{Markup.Escape(active.Model)} {active.Version} is active[/]");
        return 0;
    }
}

public sealed class ModelsRollbackCommand : Command<ModelArgumentSettings>
{
    public override int Execute(CommandContext context, ModelArgumentSettings settings, CancellationToken cancellationToken)
    {
        var active = settings.OpenRegistry().Rollback(settings.Model);
        AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(active.Model)} rolled back to {active.Version}[/]");
        return 0;
    }
}
