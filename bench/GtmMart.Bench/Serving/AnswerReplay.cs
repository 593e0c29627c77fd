using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using GtmMart.Contracts.V1;

namespace GtmMart.Bench.Serving;

/// <summary>
/// The serving benchmark's answer-only baseline: a unary method, mapped on the benchmarked server beside the real
/// services (behind the same interceptor), that takes a <see cref="ScoreOpportunitiesRequest"/> and answers, without
/// reading it, with the next of a fixed set of real <see cref="ScoreOpportunitiesResponse"/>s encoded beforehand. A
/// call to it costs what a one-id scoring call costs minus everything the server does to find, score and encode the
/// answer: the transport plus the answer's bytes, and the client parsing them. So "replayed / Ping" bounds what any
/// scoring call with the same answers could reach, and "uncached / replayed" is the share left to the scoring itself.
/// Not a product contract (not in protos/): it exists only inside the serving benchmark (<see cref="ServingBenchCommand"/>).
/// </summary>
[BindServiceMethod(typeof(AnswerReplay), nameof(BindService))]
public class AnswerReplay
{
    public const string ServiceName = "gtm.bench.AnswerReplay";

    private const string MethodName = "Replay";

    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create<byte[]>(
        static (bytes, context) =>
        {
            context.SetPayloadLength(bytes.Length);
            context.GetBufferWriter().Write(bytes);
            context.Complete();
        },
        static _ => []);

    /// <summary>The method as the server binds it: the request ignored, the stored answer's bytes sent as they are.</summary>
    private static readonly Method<byte[], byte[]> ServerMethod = new(MethodType.Unary, ServiceName, MethodName, Bytes, Bytes);

    /// <summary>
    /// The method as a client calls it: the same request and answer types and the same protobuf parsing as the
    /// generated client's <c>ScoreOpportunities</c>.
    /// </summary>
    public static readonly Method<ScoreOpportunitiesRequest, ScoreOpportunitiesResponse> ClientMethod =
        new(MethodType.Unary, ServiceName, MethodName, Protobuf(ScoreOpportunitiesRequest.Parser), Protobuf(ScoreOpportunitiesResponse.Parser));

    private static byte[][] answers = [];
    private static int next = -1;

    /// <summary>The answers to replay, in turn from the first (encoded once here).</summary>
    public static void Use(IEnumerable<ScoreOpportunitiesResponse> responses)
    {
        ArgumentNullException.ThrowIfNull(responses);
        var encoded = responses.Select(r => r.ToByteArray()).ToArray();
        if (encoded.Length == 0)
        {
            throw new ArgumentException("at least one answer is needed", nameof(responses));
        }

        Volatile.Write(ref answers, encoded);
        Volatile.Write(ref next, -1);
    }

    /// <summary>Average size of the answers replayed, in bytes.</summary>
    public static double AverageAnswerBytes => answers.Length == 0 ? 0 : answers.Average(a => a.Length);

    /// <summary>Bound by Grpc.AspNetCore, which finds <see cref="Replay"/> on this type by the method's name.</summary>
    public static void BindService(ServiceBinderBase binder, AnswerReplay? service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder.AddMethod(ServerMethod, service is null ? null : service.Replay);
    }

    /// <summary>
    /// The next stored answer, whatever the request. Virtual because Grpc.AspNetCore binds only a virtual method declared
    /// on the type <see cref="BindService"/> names (as the generated service bases declare theirs).
    /// </summary>
    public virtual Task<byte[]> Replay(byte[] request, ServerCallContext context)
    {
        var stored = Volatile.Read(ref answers);
        if (stored.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "no answers to replay"));
        }

        return Task.FromResult(stored[(int)((uint)Interlocked.Increment(ref next) % (uint)stored.Length)]);
    }

    /// <summary>Protobuf's own writing and parsing, as the generated code's marshallers do them.</summary>
    private static Marshaller<T> Protobuf<T>(MessageParser<T> parser)
        where T : IMessage<T>, IBufferMessage => Marshallers.Create<T>(
        static (message, context) =>
        {
            context.SetPayloadLength(message.CalculateSize());
            message.WriteTo(context.GetBufferWriter());
            context.Complete();
        },
        context => parser.ParseFrom(context.PayloadAsReadOnlySequence()));
}
