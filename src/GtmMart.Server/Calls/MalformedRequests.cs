using System.Collections.Frozen;
using Google.Protobuf.Reflection;
using GtmMart.Contracts.V1;

namespace GtmMart.Server.Calls;

/// <summary>
/// What a call whose request body is not a valid message is told: INVALID_ARGUMENT "the request is not a valid
/// gtm.v1.X message" (rather than grpc-dotnet's UNKNOWN "Exception was thrown by handler").
/// </summary>
public static class MalformedRequests
{
    private static readonly FrozenDictionary<string, string> RequestTypes =
        new[] { ScoringService.Descriptor, ModelService.Descriptor, WriteBackService.Descriptor, ReportingService.Descriptor, ScoreHistoryService.Descriptor }
            .SelectMany(s => s.Methods)
            .ToFrozenDictionary(m => "/" + m.Service.FullName + "/" + m.Name, m => m.InputType.FullName, StringComparer.Ordinal);

    /// <summary>The message for a method given by its full name (<c>/gtm.v1.ScoringService/ScoreOpportunities</c>).</summary>
    public static string Message(string fullMethodName) =>
        $"the request is not a valid {(RequestTypes.TryGetValue(fullMethodName, out var type) ? type : "request")} message";

    /// <summary>The message for a method's descriptor.</summary>
    public static string Message(MethodDescriptor method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return $"the request is not a valid {method.InputType.FullName} message";
    }
}
