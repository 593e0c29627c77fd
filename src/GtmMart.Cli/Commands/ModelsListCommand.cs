using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GtmMart.Scoring.Registry;
using GtmMart.Serving;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

/// <summary>
/// <c>gtm models list</c>: every version of every model with its status (active, candidate, refused by the gate,
/// baseline) and why, its trust verdict, and the data it came from; <c>--format json</c> for scripts.
/// </summary>
public sealed class ModelsListCommand : Command<ModelsListCommand.Settings>
{
    public enum ListFormat
    {
        Table,
        Json,
    }

    public sealed class Settings : ModelsSettings
    {
        [CommandOption("-f|--format <FORMAT>")]
        [Description("table or json (one object per version: status, why, verdict, data source, headline metrics, gate)")]
        [DefaultValue(ListFormat.Table)]
        public ListFormat Format { get; init; } = ListFormat.Table;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var registry = settings.OpenRegistry();
        var rows = registry.Models()
            .SelectMany(model =>
            {
                var events = registry.Events(model);
                return registry.Versions(model).Select(v => (Version: v, Status: VersionStatus.Of(v, events)));
            })
            .ToList();
        if (settings.Format == ListFormat.Json)
        {
            Console.WriteLine(new JsonArray([.. rows.Select(r => (JsonNode?)Json(r.Version, r.Status))]).ToJsonString(ModelCard.Json));
            return 0;
        }

        var table = new Table().Title($"Models in {Markup.Escape(registry.Root)}")
            .AddColumns("model", "version", "status", "verdict", "created (UTC)", "data", "why");
        foreach (var (v, status) in rows)
        {
            table.AddRow(
                Markup.Escape(v.Model),
                v.Version,
                Status(status),
                Markup.Escape(TrustLabels.Name(v.Card.Trust).Replace('_', ' ')),
                v.Card.CreatedAtUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                Markup.Escape(Source(v.Card)),
                Markup.Escape(status.Why));
        }

        AnsiConsole.Write(table);
        return 0;
    }

    private static string Status(VersionStatus status) => status.Status switch
    {
        VersionStatus.Active when status.Forced => "[red]active (forced)[/]",
        VersionStatus.Active => "[green]active[/]",
        VersionStatus.Refused => "[yellow]refused[/]",
        _ => status.Status,
    };

    /// <summary>"duckdb:/path/warehouse.duckdb, build 3, data 3f2a9c1b2d4e".</summary>
    private static string Source(ModelCard card) =>
        $"{card.SourceWarehouse ?? "warehouse not recorded"}, build {card.SourceBuildId?.ToString(CultureInfo.InvariantCulture) ?? "?"}, data {card.DataHash[..Math.Min(12, card.DataHash.Length)]}";

    private static JsonObject Json(ModelVersion v, VersionStatus status) => new()
    {
        ["model"] = v.Model,
        ["version"] = v.Version,
        ["status"] = status.Status,
        ["why"] = status.Why,
        ["active"] = v.IsActive,
        ["forced"] = status.Forced,
        ["kind"] = TrustLabels.Kind(v.Card),
        ["trust"] = TrustLabels.Verdict(v.Card),
        ["trust_reason"] = v.Card.TrustReason,
        ["created_at_utc"] = v.Card.CreatedAtUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["algorithm"] = v.Card.Algorithm,
        ["source"] = new JsonObject
        {
            ["warehouse"] = v.Card.SourceWarehouse,
            ["build_id"] = v.Card.SourceBuildId,
            ["data_hash"] = v.Card.DataHash,
        },
        ["headline"] = new JsonObject([.. v.Card.Headline.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))]),
        ["gate"] = v.Card.Gate is { } gate ? JsonSerializer.SerializeToNode(gate, ModelCard.Json) : null,
        ["directory"] = v.Directory,
    };
}
