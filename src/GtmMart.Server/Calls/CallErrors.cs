using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace GtmMart.Server.Calls;

/// <summary>
/// Ends a call before its handler runs (no key, a refused scope, over the rate limit), in the caller's protocol: a
/// gRPC trailers-only response with the status, or for the REST endpoint the HTTP status with the same JSON error body
/// JSON transcoding writes (<c>{"code": 16, "message": "...", "details": []}</c>).
/// </summary>
public static class CallErrors
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static bool IsGrpc(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);
    }

    public static Task WriteAsync(HttpContext context, StatusCode code, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (CallRecord.Current is { } record)
        {
            record.Status = code;
        }

        var response = context.Response;
        if (IsGrpc(context.Request))
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/grpc";
            response.Headers["grpc-status"] = ((int)code).ToString(CultureInfo.InvariantCulture);
            response.Headers["grpc-message"] = Uri.EscapeDataString(message);
            return Task.CompletedTask;
        }

        response.StatusCode = HttpStatus(code);
        response.ContentType = "application/json";
        return response.WriteAsync(JsonSerializer.Serialize(new { code = (int)code, message, details = Array.Empty<object>() }, Json));
    }

    /// <summary>The HTTP status JSON transcoding gives a gRPC status (google.rpc.Code's mapping).</summary>
    public static int HttpStatus(StatusCode code) => code switch
    {
        StatusCode.OK => 200,
        StatusCode.Cancelled => 499,
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => 400,
        StatusCode.DeadlineExceeded => 504,
        StatusCode.NotFound => 404,
        StatusCode.AlreadyExists or StatusCode.Aborted => 409,
        StatusCode.PermissionDenied => 403,
        StatusCode.Unauthenticated => 401,
        StatusCode.ResourceExhausted => 429,
        StatusCode.Unimplemented => 501,
        StatusCode.Unavailable => 503,
        _ => 500,
    };

    /// <summary>The gRPC status an HTTP status stands for (the reverse of <see cref="HttpStatus"/>, where it is one to one).</summary>
    public static StatusCode FromHttpStatus(int status) => status switch
    {
        >= 200 and < 300 => StatusCode.OK,
        400 => StatusCode.InvalidArgument,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.NotFound,
        409 => StatusCode.Aborted,
        429 => StatusCode.ResourceExhausted,
        499 => StatusCode.Cancelled,
        501 => StatusCode.Unimplemented,
        503 => StatusCode.Unavailable,
        504 => StatusCode.DeadlineExceeded,
        _ => StatusCode.Unknown,
    };
}
