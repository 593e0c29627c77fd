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
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GtmMart.Tests.Grpc;

/// <summary>
/// A small generated data set taken through the product (generate → load → build → export → train into a temp
/// registry), served by the real gRPC host on Kestrel at 127.0.0.1 on a free port.
/// </summary>
public sealed class GrpcServerFixture : IAsyncLifetime
{
    /// <summary>A key with every scope.</summary>
    public const string ApiKey = "test-key-7f3a";

    /// <summary>A key listed without scopes: scores:read only.</summary>
    public const string ReadOnlyKey = "test-read-only-41c9";
    public const int Accounts = 300;

    public TestWarehouse Db { get; } = new();

    public string Snapshot { get; private set; } = "";

    public ModelRegistry Registry { get; private set; } = null!;

    public WebApplication App { get; private set; } = null!;

    public string Address { get; private set; } = "";

    /// <summary>The REST (HTTP/1.1, JSON) address.</summary>
    public string RestAddress { get; private set; } = "";

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
        RestAddress = GtmServer.RestAddresses(App).Single();
        Channel = GrpcChannel.ForAddress(Address);
    }

    /// <summary>Trains and registers (activates) a new version of both models from the snapshot.</summary>
    public void Train() =>
        TrainingPipeline.Run(Snapshot, ProductData.DefaultConfig, Registry);

    /// <summary>
    /// A server over this fixture's warehouse and registry that is not loaded yet (null capacity: the default score
    /// cache; null timeout: the default shutdown timeout; <paramref name="change"/> adjusts the options further).
    /// </summary>
    public WebApplication CreateApp(int? scoreCacheCapacity = null, TimeSpan? shutdownTimeout = null, Func<ServerOptions, ServerOptions>? change = null)
    {
        var options = new ServerOptions
        {
            Warehouse = Db.Warehouse,
            Registry = Registry,
            Urls = ["http://127.0.0.1:0"],
            RestUrls = ["http://127.0.0.1:0"],
            ApiKeyHashes = [ApiKeyHashes.Entry(ApiKey, Scopes.All) + ";" + ApiKeyHashes.Hash(ReadOnlyKey)],
            LoadOnStart = false,
            MaxIdsPerRequest = 10_000,
        };
        options = scoreCacheCapacity is { } capacity ? options with { ScoreCacheCapacity = capacity } : options;
        options = shutdownTimeout is { } timeout ? options with { ShutdownTimeout = timeout } : options;
        return GtmServer.Build((change ?? (o => o))(options));
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

    /// <summary>
    /// Time a test server gives a request body to arrive. Kestrel's default minimum request body data rate, 240 bytes/s
    /// after a 5 s grace period, is for a unary call's few-byte message a 5-second deadline on its body, and when it
    /// passes Kestrel aborts the whole HTTP/2 connection: the caller sees "Connection reset by peer". On a test machine
    /// whose two cores are shared with other heavy work, a starved caller (a <c>gtm client</c> process) or this
    /// process's busy thread pool can leave a body unsent or unread that long, so the test servers allow the order of
    /// the calls' own deadlines. (<see cref="GrpcServerTests"/> shows a body sent 6 s after its headers is answered.)
    /// </summary>
    public static readonly TimeSpan RequestBodyGracePeriod = TimeSpan.FromSeconds(60);

    /// <summary>Starts the host (with <see cref="RequestBodyGracePeriod"/>) and returns the address Kestrel bound.</summary>
    public static async Task<string> StartAsync(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var limits = app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;
        limits.MinRequestBodyDataRate = new MinDataRate(limits.MinRequestBodyDataRate?.BytesPerSecond ?? 240, RequestBodyGracePeriod);
        await app.StartAsync();
        return GtmServer.GrpcAddresses(app).Single();
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
