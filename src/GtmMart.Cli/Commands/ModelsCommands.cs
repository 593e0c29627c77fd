using System.ComponentModel;
using System.Text.Json;
using GtmMart.Scoring.Registry;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public class ModelsSettings : CommandSettings
{
    [CommandOption("--models <DIR>")]
    [Description("Model registry folder. Default: $GTM_MODELS, else ./models")]
    public string? Models { get; init; }

    public ModelRegistry OpenRegistry() => ModelRegistry.Resolve(Models);
}

public sealed class ModelArgumentSettings : ModelsSettings
{
    [CommandArgument(0, "<MODEL>")]
    [Description("Model name, e.g. opportunity-scoring or icp")]
    public string Model { get; init; } = "";

    [CommandArgument(1, "[VERSION]")]
    [Description("Version, e.g. v0002 (show: default the active one)")]
    public string? Version { get; init; }
}

public sealed class ModelsListCommand : Command<ModelsSettings>
{
    public override int Execute(CommandContext context, ModelsSettings settings, CancellationToken cancellationToken)
    {
        var registry = settings.OpenRegistry();
        var table = new Table().Title($"Models in {Markup.Escape(registry.Root)}").AddColumns("model", "version", "active", "created (UTC)", "algorithm", "headline metrics");
        foreach (var model in registry.Models())
        {
            foreach (var v in registry.Versions(model))
            {
                table.AddRow(
                    Markup.Escape(model),
                    v.Version,
                    v.IsActive ? "[green]active[/]" : "",
                    v.Card.CreatedAtUtc.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(v.Card.Algorithm),
                    Markup.Escape(string.Join(", ", v.Card.Headline.Select(kv => $"{kv.Key} {kv.Value}"))));
            }
        }

        AnsiConsole.Write(table);
        return 0;
    }
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

public sealed class ModelsPromoteCommand : Command<ModelArgumentSettings>
{
    public override int Execute(CommandContext context, ModelArgumentSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Version is null)
        {
            throw new ArgumentException("promote needs a version, e.g. gtm models promote opportunity-scoring v0002");
        }

        var active = settings.OpenRegistry().Promote(settings.Model, settings.Version);
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
