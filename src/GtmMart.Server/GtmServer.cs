using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using GtmMart.Server.Calls;
using GtmMart.Server.Hosting;
using GtmMart.Server.Security;
using GtmMart.Server.Services;
using GtmMart.Server.Telemetry;
using GtmMart.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace GtmMart.Server;

/// <summary>
/// The GtmMart host (Kestrel): gRPC (HTTP/2) and, on its own addresses, REST/JSON (HTTP/1.1, JSON transcoding of the
/// same services) with OpenAPI and Prometheus metrics; grpc.health.v1 per service and server reflection. Shared by
/// <c>gtm serve</c> and the tests, so both run exactly the same server.
/// </summary>
public static partial class GtmServer
{
    /// <summary>Where the REST endpoint serves the OpenAPI document.</summary>
    public const string OpenApiPath = "/openapi/v1.json";

    /// <summary>Where the Prometheus scrape endpoint is.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>Builds (does not start) the host. Resolve <see cref="ServingState"/> from its services to load by hand.</summary>
    public static WebApplication Build(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. options.Args] });

        // Never log request headers (the authorization metadata carries the API key): no HTTP logging middleware,
        // ASP.NET Core's own request logs kept at warnings, and every log entry one line with no stack trace.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);

        // grpc-dotnet logs an error with a stack trace for each request body that does not parse, per call; the server
        // logs those at most once a minute (CallMiddleware) and handler failures in one line (CallStatusInterceptor).
        builder.Logging.AddFilter("Grpc.AspNetCore.Server.ServerCallHandler", LogLevel.None);
        OneLineConsole.Use(builder.Logging);

        // A host that cannot start (a busy port) throws to its caller, which reports it in one line: until the host
        // has started, Kestrel's and the host's own reports of that failure are not logged a second time.
        var started = new StrongBox<bool>();
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", level => level >= LogLevel.Warning && (started.Value || level < LogLevel.Error));
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", level => level >= LogLevel.Information && (started.Value || level < LogLevel.Error));
        options.Logging?.Invoke(builder.Logging);

        var listeners = new Listeners();
        var configuredEndpoints = builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().ToList();
        if (configuredEndpoints.Count > 0 && options.RestUrls.Count > 0)
        {
            throw new ArgumentException("--rest-urls cannot be combined with Kestrel:Endpoints configuration: add the REST endpoint there (Protocols Http1, or Http1AndHttp2 with TLS; docs/SERVING.md)");
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
            if (configuredEndpoints.Count == 0)
            {
                // Configuration wins over addresses given in code, as it did with --urls.
                listeners.Configure(kestrel, options.Urls, options.RestUrls);
            }
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);

        var keys = new ApiKeyHashes(options.ApiKeyHashes ?? ConfiguredHashes(builder.Configuration));
        builder.Services.AddSingleton(keys);
        builder.Services.AddSingleton(listeners);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new ServingState(options.Warehouse, options.Registry));
        builder.Services.AddSingleton<ServingAccess>();
        builder.Services.AddSingleton<ServerMetrics>();
        if (options.LoadOnStart)
        {
            builder.Services.AddHostedService<ServingLoader>();
        }

        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.MaxReceiveMessageSize;
            grpc.EnableDetailedErrors = false;
            grpc.Interceptors.Add<CallStatusInterceptor>();
        }).AddJsonTranscoding(transcoding =>
            // Errors carry google.rpc details (BadRequest field violations): the REST answer writes them as JSON too.
            transcoding.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromFiles(Google.Rpc.ErrorDetailsReflection.Descriptor));
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcSwagger();
        builder.Services.AddSwaggerGen(OpenApi.Configure);
        AddHealth(builder.Services);
        AddRateLimit(builder.Services, options.RateLimitPerSecond);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ServerMetrics.MeterName)
            .AddPrometheusExporter());

        var app = builder.Build();
        app.Lifetime.ApplicationStarted.Register(() => started.Value = true);
        app.UseMiddleware<CallMiddleware>();
        app.UseRateLimiter();
        app.UseSwagger(swagger => swagger.RouteTemplate = OpenApiPath.TrimStart('/').Replace("v1", "{documentName}", StringComparison.Ordinal));
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        app.MapGrpcService<ScoringApi>();
        app.MapGrpcService<ModelApi>();
        app.MapGrpcService<WriteBackApi>();
        app.MapGrpcService<ReportingApi>();
        app.MapGrpcService<ScoreHistoryApi>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();

        if (keys.Count == 0)
        {
            LogNoKeys(app.Logger, ServerOptions.ApiKeyHashesVariable);
        }

        Listeners.WarnIfExposed(app.Logger, configuredEndpoints.Count > 0
            ? configuredEndpoints.Select(e => e["Url"]).OfType<string>()
            : options.Urls.Concat(options.RestUrls));
        return app;
    }

    /// <summary>The gRPC addresses a started host listens on (port 0 resolved).</summary>
    public static IReadOnlyList<string> GrpcAddresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var bound = app.Services.GetRequiredService<Listeners>().Grpc;
        return bound.Count > 0 ? bound : [.. app.Urls];
    }

    /// <summary>The REST addresses a started host listens on (port 0 resolved).</summary>
    public static IReadOnlyList<string> RestAddresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<Listeners>().Rest;
    }

    private static readonly string[] LoadedServices = ["gtm.v1.ScoringService", "gtm.v1.ReportingService", "gtm.v1.WriteBackService"];

    /// <summary>
    /// grpc.health.v1: the empty name is SERVING once everything is; <c>gtm.v1.ScoringService</c>,
    /// <c>gtm.v1.ReportingService</c> and <c>gtm.v1.WriteBackService</c> once features and models are loaded;
    /// <c>gtm.v1.ModelService</c> while the registry can be read (before the first load too);
    /// <c>gtm.v1.ScoreHistoryService</c> while the warehouse is there (each call reads it; nothing is loaded).
    /// </summary>
    private static void AddHealth(IServiceCollection services)
    {
        const string Loaded = "loaded";
        const string Registry = "registry";
        const string Warehouse = "warehouse";
        services.AddGrpcHealthChecks(health =>
            {
                health.UseHealthChecksCache = false;
                health.Services.Map("", _ => true);
                foreach (var service in LoadedServices)
                {
                    health.Services.Map(service, result => result.Tags.Contains(Loaded));
                }

                health.Services.Map("gtm.v1.ModelService", result => result.Tags.Contains(Registry));
                // The score history is read from the warehouse on each call: it needs nothing loaded.
                health.Services.Map("gtm.v1.ScoreHistoryService", result => result.Tags.Contains(Warehouse));
            })
            .AddCheck<ServingReadyHealthCheck>("serving", tags: [Loaded])
            .AddCheck<RegistryHealthCheck>("registry", tags: [Registry])
            .AddCheck<WarehouseHealthCheck>("warehouse", tags: [Warehouse]);
    }

    /// <summary>Per API key token buckets (ASP.NET Core rate limiting): over the limit is RESOURCE_EXHAUSTED / 429.</summary>
    private static void AddRateLimit(IServiceCollection services, int perSecond)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                perSecond > 0 && context.Items[CallMiddleware.KeyItem] is ApiKey key
                    ? RateLimitPartition.GetTokenBucketLimiter(key.Label, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = perSecond,
                        TokensPerPeriod = perSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    })
                    : RateLimitPartition.GetNoLimiter(""));
            limiter.OnRejected = (rejected, _) =>
            {
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && !CallErrors.IsGrpc(rejected.HttpContext.Request))
                {
                    rejected.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                return new ValueTask(CallErrors.WriteAsync(rejected.HttpContext, Grpc.Core.StatusCode.ResourceExhausted,
                    $"rate limit: this API key may make {perSecond} calls per second; retry shortly"));
            };
        });
    }

    /// <summary>API keys from <c>GTM_API_KEY_HASHES</c> and <c>Gtm:ApiKeyHashes</c> (a string or an array).</summary>
    public static IReadOnlyList<string> ConfiguredHashes(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var hashes = new List<string>();
        if (Environment.GetEnvironmentVariable(ServerOptions.ApiKeyHashesVariable) is { Length: > 0 } env)
        {
            hashes.Add(env);
        }

        var section = configuration.GetSection(ServerOptions.ApiKeyHashesConfigKey);
        if (section.Value is { Length: > 0 } single)
        {
            hashes.Add(single);
        }

        hashes.AddRange(section.GetChildren().Select(c => c.Value).OfType<string>());
        return hashes;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "no usable API key configured ({Variable} names none): every scoring, model, write-back and reporting call will be rejected as UNAUTHENTICATED; set it to the SHA-256 hash of a key (README)")]
    private static partial void LogNoKeys(ILogger logger, string variable);
}
