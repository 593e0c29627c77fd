using GtmMart.Server.Hosting;
using GtmMart.Server.Security;
using GtmMart.Server.Services;
using GtmMart.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GtmMart.Server;

/// <summary>
/// The GtmMart gRPC host (Kestrel, HTTP/2): scoring, models, write-back and reporting services, grpc.health.v1 and
/// server reflection. Shared by <c>gtm serve</c> and the tests, so both run exactly the same server.
/// </summary>
public static partial class GtmServer
{
    /// <summary>Builds (does not start) the host. Resolve <see cref="ServingState"/> from its services to load by hand.</summary>
    public static WebApplication Build(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. options.Args] });

        // Never log request headers (the authorization metadata carries the API key): no HTTP logging middleware,
        // and ASP.NET Core's own request logs kept at warnings.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);

        if (options.Urls.Count > 0)
        {
            builder.WebHost.UseUrls([.. options.Urls]);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2);
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);

        var hashes = options.ApiKeyHashes ?? ConfiguredHashes(builder.Configuration);
        builder.Services.AddSingleton(new ApiKeyHashes(hashes));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new ServingState(options.Warehouse, options.Registry));
        builder.Services.AddSingleton<ServingAccess>();
        if (options.LoadOnStart)
        {
            builder.Services.AddHostedService<ServingLoader>();
        }

        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.MaxReceiveMessageSize;
            grpc.EnableDetailedErrors = false;
            grpc.Interceptors.Add<ApiKeyInterceptor>();
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks(health => health.UseHealthChecksCache = false)
            .AddCheck<ServingReadyHealthCheck>("serving");

        var app = builder.Build();
        app.MapGrpcService<ScoringApi>();
        app.MapGrpcService<ModelApi>();
        app.MapGrpcService<WriteBackApi>();
        app.MapGrpcService<ReportingApi>();
        app.MapGrpcService<ScoreHistoryApi>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();

        if (hashes.Count == 0)
        {
            LogNoKeys(app.Logger, ServerOptions.ApiKeyHashesVariable);
        }

        return app;
    }

    /// <summary>API key hashes from <c>GTM_API_KEY_HASHES</c> and <c>Gtm:ApiKeyHashes</c> (a comma-separated string or an array).</summary>
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "no API keys configured ({Variable} is empty): every scoring, model, write-back and reporting call will be rejected as UNAUTHENTICATED")]
    private static partial void LogNoKeys(ILogger logger, string variable);
}
