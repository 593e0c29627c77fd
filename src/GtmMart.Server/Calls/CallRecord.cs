using Grpc.Core;

namespace GtmMart.Server.Calls;

/// <summary>
/// What one gtm.v1 call came to, filled in as it runs (the key that made it, its final status, whether its body did
/// not parse) and read by <see cref="CallMiddleware"/> when it ends. Flows with the call's async context, so the
/// request-parsing and interceptor code that has no HttpContext at hand can fill it in.
/// </summary>
public sealed class CallRecord
{
    private static readonly AsyncLocal<CallRecord?> CurrentRecord = new();

    /// <summary>The record of the call running on this async flow, if any.</summary>
    public static CallRecord? Current
    {
        get => CurrentRecord.Value;
        internal set => CurrentRecord.Value = value;
    }

    /// <summary>The final status, when the handler or a refusal set it (else the response's grpc-status says it).</summary>
    public StatusCode? Status { get; set; }

    /// <summary>True once the service's handler (through the interceptors) was reached: the request message parsed.</summary>
    public bool HandlerStarted { get; set; }

    /// <summary>True when a request message of the call did not parse.</summary>
    public bool Malformed { get; set; }
}
