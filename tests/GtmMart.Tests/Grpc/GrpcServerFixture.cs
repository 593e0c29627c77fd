using Grpc.Core;
using Grpc.Net.Client;
using GtmMart.Contracts.V1;
using GtmMart.DemoData;
using GtmMart.Scoring.Registry;
using GtmMart.Server;
using GtmMart.Server.Security;
using GtmMart.Server.Services;
using GtmMart.Serving;
using GtmMart.Tests.Support;
using GtmMart.Training;
using GtmMart.Training.Export;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace GtmMart.Tests.Grpc;

/// <summary>
/// A small generated data set taken through the product (generate → load → build → export → train into a temp
/// registry), served by the real gRPC host on Kestrel at 127.0.0.1 on a free port.
/// </summary>
public sealed class GrpcServerFixture : IAsyncLifetime
{
    public const string ApiKey = "test-key-7f3a";
    public const int Accounts = 300;

    public TestWarehouse Db { get; } = new();

    public string Snapshot { get; private set; } = "";

    public ModelRegistry Registry { get; private set; } = null!;

    public WebApplication App { get; private set; } = null!;

    public string Address { get; private set; } = "";

    public GrpcChannel Channel { get; private set; } = null!;

    public ServingState State => App.Services.GetRequiredService<ServingState>();

    public async Task InitializeAsync()
    {
        Snapshot = ProductData.Prepare(Db, Accounts, seed: 5).Snapshot;
        Registry = new ModelRegistry(Db.Folder.Sub("models"));
        Train();

        App = CreateApp();
        State.Load();
        Address = await StartAsync(App);
        Channel = GrpcChannel.ForAddress(Address);
    }

    /// <summary>Trains and registers (activates) a new version of both models from the snapshot.</summary>
    public void Train() =>
        TrainingPipeline.Run(Snapshot, ProductData.DefaultConfig, Registry);

    /// <summary>A server over this fixture's warehouse and registry that is not loaded yet (null capacity: the default score cache).</summary>
    public WebApplication CreateApp(int? scoreCacheCapacity = null)
    {
        var options = new ServerOptions
        {
            Warehouse = Db.Warehouse,
            Registry = Registry,
            Urls = ["http://127.0.0.1:0"],
            ApiKeyHashes = [ApiKeyHashes.Hash(ApiKey)],
            LoadOnStart = false,
            MaxIdsPerRequest = 10_000,
        };
        return GtmServer.Build(scoreCacheCapacity is { } capacity ? options with { ScoreCacheCapacity = capacity } : options);
    }

    /// <summary>
    /// Runs <paramref name="use"/> against a second server over the same warehouse and registry, loaded and started
    /// with the score cache off (as <c>gtm serve --score-cache 0</c>), and stops it afterwards.
    /// </summary>
    public async Task<T> WithUncachedServerAsync<T>(Func<ScoringService.ScoringServiceClient, ServingAccess, Task<T>> use)
    {
        ArgumentNullException.ThrowIfNull(use);
        var app = CreateApp(scoreCacheCapacity: 0);
        try
        {
            app.Services.GetRequiredService<ServingState>().Load();
            using var channel = GrpcChannel.ForAddress(await StartAsync(app));
            return await use(new ScoringService.ScoringServiceClient(channel), app.Services.GetRequiredService<ServingAccess>());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Starts the host and returns the address Kestrel bound.</summary>
    public static async Task<string> StartAsync(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.StartAsync();
        return app.Urls.Single();
    }

    public static CallOptions Auth(string key = ApiKey, TimeSpan? deadline = null) =>
        new(new Metadata { { "authorization", "Bearer " + key } }, DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(30)));

    public ScoringService.ScoringServiceClient Scoring => new(Channel);

    public ModelService.ModelServiceClient Models => new(Channel);

    public ReportingService.ReportingServiceClient Reporting => new(Channel);

    public WriteBackService.WriteBackServiceClient WriteBack => new(Channel);

    public async Task DisposeAsync()
    {
        Channel?.Dispose();
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }

        Db.Dispose();
    }
}
