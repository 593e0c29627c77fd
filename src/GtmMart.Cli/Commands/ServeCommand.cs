using System.ComponentModel;
using GtmMart.Scoring.Registry;
using GtmMart.Server;
using GtmMart.Server.Services;
using GtmMart.Serving;
using GtmMart.Warehouse.Connection;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

/// <summary><c>gtm serve</c>: loads features and the active models, then serves gRPC until Ctrl+C (graceful shutdown).</summary>
public sealed class ServeCommand : Command<ServeCommand.Settings>
{
    public sealed class Settings : WarehouseSettings
    {
        [CommandOption("--urls <URLS>")]
        [Description("Addresses to listen on, ';'-separated (port 0 picks a free one). Default: http://127.0.0.1:5080. For TLS use Kestrel:Endpoints configuration (docs/SERVING.md)")]
        public string? Urls { get; init; }

        [CommandOption("--rest-urls <URLS>")]
        [Description("Also serve REST/JSON (HTTP/1.1) on these addresses, ';'-separated, e.g. http://127.0.0.1:5081: the gtm.v1 routes, OpenAPI at /openapi/v1.json, Prometheus metrics at /metrics. Default: none")]
        public string? RestUrls { get; init; }

        [CommandOption("--rate-limit <N>")]
        [Description("Calls per second each API key may make (over it: RESOURCE_EXHAUSTED / HTTP 429). Default: 0, no limit")]
        public int RateLimit { get; init; }

        [CommandOption("--models <DIR>")]
        [Description("Model registry folder. Default: $GTM_MODELS, else ./models for the default warehouse and <warehouse name>/models beside any other")]
        public string? Models { get; init; }

        [CommandOption("--max-ids <N>")]
        [Description("Most ids accepted in one request. Default: 10000")]
        public int MaxIds { get; init; } = 10_000;

        [CommandOption("--score-cache <N>")]
        [Description("Most scores of known ids kept per models-and-features pair (0: every call runs the model). Default: 100000")]
        public int ScoreCache { get; init; } = 100_000;

        [CommandOption("--no-prefill")]
        [Description("Keep only the scores requests computed, instead of scoring the known ids into the cache in the background whenever models or features change")]
        public bool NoPrefill { get; init; }

        public override ValidationResult Validate() =>
            MaxIds < 1 ? ValidationResult.Error("--max-ids must be at least 1")
            : ScoreCache < 0 ? ValidationResult.Error("--score-cache must not be negative")
            : RateLimit < 0 ? ValidationResult.Error("--rate-limit must not be negative")
            : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var urls = Addresses(settings.Urls ?? "http://127.0.0.1:5080");
        var warehouse = settings.OpenWarehouse();
        WarehouseReadiness.RequirePublished(warehouse);
        var app = GtmServer.Build(new ServerOptions
        {
            Warehouse = warehouse,
            Registry = ModelRegistry.Resolve(WarehouseSettings.ResolveModels(settings.Models, warehouse)),
            Urls = urls,
            RestUrls = Addresses(settings.RestUrls ?? ""),
            RateLimitPerSecond = settings.RateLimit,
            LoadOnStart = false,
            MaxIdsPerRequest = settings.MaxIds,
            ScoreCacheCapacity = settings.ScoreCache,
            PrefillScores = !settings.NoPrefill,
            Args = context.Remaining.Raw.ToArray(),
        });

        // Fail fast (one error: line) when there is nothing to serve, before the port is opened.
        var state = app.Services.GetRequiredService<ServingState>();
        state.Load();
        Console.Error.WriteLine($"gtm serve: {state.Features!.OpenOpportunities.Count} open opportunities, {state.Features.Accounts.Count} accounts; " +
            $"{state.Models.Current!.OpportunityModel} {state.Models.Current.OpportunityVersion}, {state.Models.Current.IcpModel} {state.Models.Current.IcpVersion}");
        app.Services.GetRequiredService<ServingAccess>().Publish();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var rest = GtmServer.RestAddresses(app);
            Console.Error.WriteLine("gtm serve: gRPC on " + string.Join(", ", GtmServer.GrpcAddresses(app))
                + (rest.Count > 0 ? "; REST on " + string.Join(", ", rest) + " (OpenAPI " + GtmServer.OpenApiPath + ", metrics " + GtmServer.MetricsPath + ")" : "")
                + " (Ctrl+C to stop)");
        });
        app.Run();
        return 0;
    }

    private static string[] Addresses(string list) => list.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
