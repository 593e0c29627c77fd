using Google.Protobuf.Reflection;
using Grpc.Core;
using GtmMart.Contracts.V1;
using GtmMart.Server.Services;

namespace GtmMart.Server.Wire;

/// <summary>
/// Binds gtm.v1.ScoringService as the generated code does (same methods, paths and request parsing), with the scoring
/// answers written by <see cref="ScoreWire"/> instead of protobuf's generated serializer. Found by Grpc.AspNetCore
/// through the <see cref="BindServiceMethodAttribute"/> on <see cref="ScoringApi"/>; server reflection finds the
/// service's descriptor through <see cref="Descriptor"/>.
/// </summary>
public static class ScoringServiceBinding
{
    /// <summary>The answer to ScoreOpportunities, written by <see cref="ScoreWire"/>, parsed by protobuf.</summary>
    public static readonly Marshaller<ScoreOpportunitiesResponse> OpportunitiesResponse = Marshallers.Create(
        ScoreWire.Serialize, context => ScoreOpportunitiesResponse.Parser.ParseFrom(context.PayloadAsReadOnlySequence()));

    /// <summary>The answers of ScoreStream, written by <see cref="ScoreWire"/>, parsed by protobuf.</summary>
    public static readonly Marshaller<ScoreStreamResponse> StreamResponse = Marshallers.Create(
        ScoreWire.Serialize, context => ScoreStreamResponse.Parser.ParseFrom(context.PayloadAsReadOnlySequence()));

    /// <summary>The service's descriptor (server reflection looks it up on the bind type).</summary>
    public static ServiceDescriptor Descriptor => ScoringService.Descriptor;

    /// <summary>
    /// Called by Grpc.AspNetCore (with a null <paramref name="service"/>: it resolves the service per call). The
    /// parameter is the generated base type: Grpc.AspNetCore takes it as the type whose methods the service overrides.
    /// </summary>
    public static void BindService(ServiceBinderBase binder, ScoringService.ScoringServiceBase? service) =>
        ScoringService.BindService(new ResponseMarshallers(binder), service);

    /// <summary>Passes every method on, with the response marshaller swapped where <see cref="ScoreWire"/> writes it.</summary>
    private sealed class ResponseMarshallers(ServiceBinderBase inner) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(Swap(method), handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(Swap(method), handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(Swap(method), handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(Swap(method), handler);

        private static Method<TRequest, TResponse> Swap<TRequest, TResponse>(Method<TRequest, TResponse> method)
            where TRequest : class
            where TResponse : class
        {
            var marshaller = typeof(TResponse) == typeof(ScoreOpportunitiesResponse) ? (Marshaller<TResponse>)(object)OpportunitiesResponse
                : typeof(TResponse) == typeof(ScoreStreamResponse) ? (Marshaller<TResponse>)(object)StreamResponse
                : null;
            return marshaller is null ? method : new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, method.RequestMarshaller, marshaller);
        }
    }
}
