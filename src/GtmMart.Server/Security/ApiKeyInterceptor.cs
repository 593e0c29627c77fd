using Grpc.Core;
using Grpc.Core.Interceptors;

namespace GtmMart.Server.Security;

/// <summary>
/// Requires <c>authorization: Bearer &lt;key&gt;</c> metadata on every call except health checks and server
/// reflection; a missing or wrong key ends the call with UNAUTHENTICATED. The key is never logged or echoed.
/// </summary>
public sealed class ApiKeyInterceptor(ApiKeyHashes keys) : Interceptor
{
    private static readonly string[] AnonymousPrefixes =
    [
        "/grpc.health.v1.Health/",
        "/grpc.reflection.v1alpha.ServerReflection/",
        "/grpc.reflection.v1.ServerReflection/",
    ];

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Authenticate(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Authenticate(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Authenticate(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Authenticate(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authenticate(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (AnonymousPrefixes.Any(p => context.Method.StartsWith(p, StringComparison.Ordinal)))
        {
            return;
        }

        var header = context.RequestHeaders.GetValue("authorization");
        const string scheme = "Bearer ";
        if (header is null || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "missing API key: send metadata 'authorization: Bearer <key>'"));
        }

        var key = header[scheme.Length..].Trim();
        if (key.Length == 0 || !keys.Accepts(key))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "invalid API key"));
        }
    }
}
