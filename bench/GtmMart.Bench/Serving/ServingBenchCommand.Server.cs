using System.Diagnostics;
using Grpc.Net.Client;
using GtmMart.Contracts.V1;
using GtmMart.Scoring.Registry;
using GtmMart.Server;
using GtmMart.Server.Security;
using GtmMart.Server.Services;
using GtmMart.Serving;
using GtmMart.Warehouse.Connection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace GtmMart.Bench.Serving;

public sealed partial class ServingBenchCommand
{
    /// <summary>A started benchmark server (the `gtm serve` host on 127.0.0.1, free port) and a client channel to it.</summary>
    private sealed class BenchServer : IAsyncDisposable
    {
        private BenchServer(WebApplication app, GrpcChannel channel)
        {
            App = app;
            Channel = channel;
            Client = new ScoringService.ScoringServiceClient(channel);
        }

        public WebApplication App { get; }

        public GrpcChannel Channel { get; }

        public ScoringService.ScoringServiceClient Client { get; }

        public ServingState State => App.Services.GetRequiredService<ServingState>();

        public ServingAccess Access => App.Services.GetRequiredService<ServingAccess>();

        /// <summary>
        /// Builds, loads and starts the host with the given score cache capacity (null: the default of <c>gtm serve</c>;
        /// <paramref name="map"/> maps extra services on it) and opens the client's channel.
        /// </summary>
        public static async Task<BenchServer> StartAsync(
            DuckDbWarehouse warehouse, string models, int? scoreCacheCapacity, Action<WebApplication> map, CancellationToken cancellationToken)
        {
            var options = new ServerOptions
            {
                Warehouse = warehouse,
                Registry = new ModelRegistry(models),
                Urls = ["http://127.0.0.1:0"],
                ApiKeyHashes = [ApiKeyHashes.Entry(ApiKey, Scopes.All)],
                LoadOnStart = false,
            };
            var app = GtmServer.Build(scoreCacheCapacity is { } capacity ? options with { ScoreCacheCapacity = capacity } : options);
            map(app);
            app.Services.GetRequiredService<ServingState>().Load();
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = app.Urls.Single();
            AnsiConsole.MarkupLine($"[bold]server listening on {address}[/] (score cache: {(scoreCacheCapacity is 0 ? "off" : "on")})");
            var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler
                {
                    EnableMultipleHttp2Connections = true,
                    PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                    InitialHttp2StreamWindowSize = 4 * 1024 * 1024,
                },
            });
            return new BenchServer(app, channel);
        }

        /// <summary>Publishes the loaded models and features and waits for the server's background fill of its score cache.</summary>
        public async Task<Prefill> PrefillAsync()
        {
            var filling = Stopwatch.StartNew();
            Access.Publish();
            await Access.Filling.ConfigureAwait(false);
            return new Prefill(Access.Snapshot().Scores.Count, filling.Elapsed.TotalSeconds);
        }

        public async ValueTask DisposeAsync()
        {
            Channel.Dispose();
            await App.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await App.DisposeAsync().ConfigureAwait(false);
        }
    }
}
