using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace GtmMart.Server.Calls;

/// <summary>
/// Runs around every handler: notes in the call's <see cref="CallRecord"/> that the handler was reached (the request
/// parsed) and its final status (exact for REST calls too, whose HTTP status alone would not tell FAILED_PRECONDITION
/// from INVALID_ARGUMENT); a stream message that does not parse becomes INVALID_ARGUMENT, and an unexpected exception
/// is logged in one line (its type and message; no stack trace on the console) and answered UNKNOWN.
/// </summary>
public sealed partial class CallStatusInterceptor(ILogger<CallStatusInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        ArgumentNullException.ThrowIfNull(context);
        Started();
        try
        {
            var response = await continuation(request, context).ConfigureAwait(false);
            Note(StatusCode.OK);
            return response;
        }
        catch (Exception ex)
        {
            throw Failed(ex, context.Method);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        ArgumentNullException.ThrowIfNull(context);
        Started();
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
            Note(StatusCode.OK);
        }
        catch (Exception ex)
        {
            throw Failed(ex, context.Method);
        }
    }

    /// <summary>The exception the call ends with: the same one, or for a message that did not parse an INVALID_ARGUMENT.</summary>
    private Exception Failed(Exception ex, string method)
    {
        switch (ex)
        {
            case RpcException rpc:
                Note(rpc.StatusCode);
                return ex;
            case InvalidProtocolBufferException:
                if (CallRecord.Current is { } record)
                {
                    record.Malformed = true;
                }

                Note(StatusCode.InvalidArgument);
                return new RpcException(new Status(StatusCode.InvalidArgument, MalformedRequests.Message(method)));
            case OperationCanceledException:
                Note(StatusCode.Cancelled);
                return ex;
            default:
                Note(StatusCode.Unknown);
                LogFailed(logger, ex, method, ex.GetType().Name, ex.Message);
                return ex;
        }
    }

    private static void Started()
    {
        if (CallRecord.Current is { } record)
        {
            record.HandlerStarted = true;
        }
    }

    private static void Note(StatusCode code)
    {
        if (CallRecord.Current is { } record)
        {
            record.Status = code;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} failed: {Type}: {Reason}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method, string type, string reason);
}
