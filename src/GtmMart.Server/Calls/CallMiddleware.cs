using System.Diagnostics;
using System.Globalization;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using GtmMart.Server.Security;
using GtmMart.Server.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace GtmMart.Server.Calls;

/// <summary>
/// Runs around every gRPC and REST call, before the request body is read: checks the API key and the scope of
/// gtm.v1 methods (UNAUTHENTICATED / 401, PERMISSION_DENIED / 403), so a call without a valid key is refused without
/// parsing anything it sent; then times the call and records its status (<c>rpc.server.call.duration</c>), and logs
/// request bodies that did not parse at most once a minute (with how many there were), never per call.
/// </summary>
public sealed partial class CallMiddleware(RequestDelegate next, ApiKeyHashes keys, ServerMetrics metrics, ILogger<CallMiddleware> logger)
{
    /// <summary>HttpContext.Items key of the caller's <see cref="ApiKey"/> (the rate limiter partitions by it).</summary>
    public const string KeyItem = "gtm.api-key";

    private static readonly TimeSpan MalformedLogInterval = TimeSpan.FromMinutes(1);
    private readonly Lock malformedGate = new();
    private long malformedLoggedAt = long.MinValue;
    private int malformedUnlogged;

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method is not { } method)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var record = new CallRecord();
        CallRecord.Current = record;
        var started = Stopwatch.GetTimestamp();
        var grpc = CallErrors.IsGrpc(context.Request);
        try
        {
            if (method.ServiceName.StartsWith("gtm.", StringComparison.Ordinal)
                && Refusal(context, method.ServiceName, method.Name) is { } refusal)
            {
                await CallErrors.WriteAsync(context, refusal.Code, refusal.Message).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
            if (grpc && !record.HandlerStarted && IsUnknownBeforeTheHandler(context))
            {
                // grpc-dotnet reads and parses the request before the interceptors and the handler run, and answers a
                // body that does not parse with UNKNOWN; nothing has been sent yet, so the status can still say what
                // happened.
                context.Response.Headers["grpc-status"] = ((int)StatusCode.InvalidArgument).ToString(CultureInfo.InvariantCulture);
                context.Response.Headers["grpc-message"] = Uri.EscapeDataString(MalformedRequests.Message(method.FullName));
                record.Status = StatusCode.InvalidArgument;
                record.Malformed = true;
            }
        }
        finally
        {
            var status = record.Status ?? ResponseStatus(context, grpc);
            metrics.RecordCall(method.ServiceName, method.Name, status, grpc, Stopwatch.GetElapsedTime(started));
            if (record.Malformed)
            {
                ReportMalformed(method.FullName);
            }

            CallRecord.Current = null;
        }
    }

    /// <summary>Why the call may not run (no or wrong key, a scope the key lacks), or null when it may.</summary>
    private (StatusCode Code, string Message)? Refusal(HttpContext context, string service, string method)
    {
        const string Scheme = "Bearer ";
        string? header = context.Request.Headers.Authorization;
        if (header is null || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return (StatusCode.Unauthenticated, "missing API key: send the header 'authorization: Bearer <key>'");
        }

        var presented = header[Scheme.Length..].Trim();
        if (presented.Length == 0 || keys.Find(presented) is not { } key)
        {
            return (StatusCode.Unauthenticated, "invalid API key");
        }

        var scope = Scopes.Required(service, method);
        if (!key.Allows(scope))
        {
            return (StatusCode.PermissionDenied, $"this API key lacks the scope '{scope}' that {service}/{method} needs (docs/SERVING.md, API keys and scopes)");
        }

        context.Items[KeyItem] = key;
        return null;
    }

    /// <summary>A trailers-only UNKNOWN not sent yet: what grpc-dotnet answers when the request message did not parse.</summary>
    private static bool IsUnknownBeforeTheHandler(HttpContext context) =>
        !context.Response.HasStarted && context.Response.Headers["grpc-status"] == ((int)StatusCode.Unknown).ToString(CultureInfo.InvariantCulture);

    /// <summary>The status a finished call's response carries: grpc-status (trailers, or headers when trailers-only), else from the HTTP status.</summary>
    private static StatusCode ResponseStatus(HttpContext context, bool grpc)
    {
        if (grpc)
        {
            var trailers = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
            string? value = trailers is not null && trailers.TryGetValue("grpc-status", out var t) ? t : context.Response.Headers["grpc-status"];
            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? (StatusCode)code : StatusCode.Unknown;
        }

        return CallErrors.FromHttpStatus(context.Response.StatusCode);
    }

    private void ReportMalformed(string method)
    {
        int count;
        lock (malformedGate)
        {
            malformedUnlogged++;
            var now = Environment.TickCount64;
            if (malformedLoggedAt != long.MinValue && now - malformedLoggedAt < (long)MalformedLogInterval.TotalMilliseconds)
            {
                return;
            }

            count = malformedUnlogged;
            malformedUnlogged = 0;
            malformedLoggedAt = now;
        }

        LogMalformed(logger, count, method);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} request(s) whose body is not a valid message answered INVALID_ARGUMENT (latest: {Method}); this is logged at most once a minute")]
    private static partial void LogMalformed(ILogger logger, int count, string method);
}
