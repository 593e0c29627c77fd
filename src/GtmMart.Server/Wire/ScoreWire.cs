using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using GtmMart.Contracts.V1;

namespace GtmMart.Server.Wire;

/// <summary>
/// Writes the scoring answers (<see cref="ScoreOpportunitiesResponse"/>, <see cref="ScoreStreamResponse"/>) in the
/// protobuf wire format, byte for byte what protobuf's own serializer writes, computing each nested message's size and
/// each string's UTF-8 length once. Protobuf's generated code recomputes a nested message's size at every level it is
/// written from: a factor's strings sit 4 levels down in a unary answer and 5 in a stream chunk, and counting their
/// UTF-8 bytes again and again was the largest single cost of sending scores.
/// <para>
/// Hand-encoded: the answers, <see cref="OpportunityResult"/>, <see cref="OpportunityScore"/>, <see cref="Factor"/>
/// and <see cref="ModelRef"/> (their fields are listed in <see cref="EncodedFields"/>, which a test checks against
/// the .proto, so a field added there fails the build's tests until it is added here). Every other message inside
/// (errors, account scores) is written by protobuf itself. Messages made by the server carry no unknown fields.
/// </para>
/// </summary>
public static partial class ScoreWire
{
    /// <summary>The fields written by hand, per message: "number name type" in field-number order.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> EncodedFields = new Dictionary<string, string[]>
    {
        [ScoreOpportunitiesResponse.Descriptor.FullName] = ["1 results Message"],
        [OpportunityResult.Descriptor.FullName] = ["1 score Message", "2 error Message"],
        [OpportunityScore.Descriptor.FullName] = ["1 opportunity_id String", "2 score Int32", "3 probability Double", "4 top_positive Message", "5 top_negative Message", "6 model Message"],
        [Factor.Descriptor.FullName] = ["1 feature String", "2 text String", "3 contribution Double"],
        [ModelRef.Descriptor.FullName] = ["1 name String", "2 version String"],
        [ScoreStreamResponse.Descriptor.FullName] = ["1 opportunity Message", "2 account Message", "3 error Message", "4 opportunities Message", "5 accounts Message"],
    };

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>
    /// The bytes of scores encoded once because they are sent unchanged again and again (the server's cached scores),
    /// by message instance: a unary answer that holds one copies them instead of encoding it. An entry lives as long as
    /// its message; a message must not be modified once it is here.
    /// </summary>
    private static readonly ConditionalWeakTable<OpportunityScore, byte[]> Precoded = [];

    /// <summary>
    /// Encodes <paramref name="score"/> now, once, for every unary answer that will carry it: they copy its bytes.
    /// For a score that is kept and sent unchanged (the score cache); it must not be modified afterwards.
    /// </summary>
    public static OpportunityScore Precode(OpportunityScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        Precoded.AddOrUpdate(score, Encode(score, new Sizes(usePrecoded: false), static (m, s) => Measure(m, s), static (m, s, w) => Write(m, s, ref w)));
        return score;
    }

    /// <summary>Whether answers carrying <paramref name="score"/> copy its bytes encoded once.</summary>
    public static bool IsPrecoded(OpportunityScore score) => Precoded.TryGetValue(score, out _);

    // Which answers copy precoded scores: a unary answer does (a lookup per score, small next to a call's own cost); a
    // stream answer does not, since bulk streams mostly carry scores computed for them, which would pay the lookup for
    // nothing (their encoding runs beside the scoring, on the stream's writer task).

    /// <summary>The encoded bytes (for tests and callers outside gRPC).</summary>
    public static byte[] ToBytes(ScoreOpportunitiesResponse message) =>
        Encode(message, new Sizes(usePrecoded: true), static (m, s) => Measure(m, s), static (m, s, w) => Write(m, s, ref w));

    /// <summary>The encoded bytes (for tests and callers outside gRPC).</summary>
    public static byte[] ToBytes(ScoreStreamResponse message) =>
        Encode(message, new Sizes(usePrecoded: false), static (m, s) => Measure(m, s), static (m, s, w) => Write(m, s, ref w));

    /// <summary>Serializes into a gRPC message: the length first, then the bytes into the call's buffer writer.</summary>
    public static void Serialize(ScoreOpportunitiesResponse message, Grpc.Core.SerializationContext context) =>
        Serialize(message, context, new Sizes(usePrecoded: true), static (m, s) => Measure(m, s), static (m, s, w) => Write(m, s, ref w));

    /// <summary>Serializes into a gRPC message: the length first, then the bytes into the call's buffer writer.</summary>
    public static void Serialize(ScoreStreamResponse message, Grpc.Core.SerializationContext context) =>
        Serialize(message, context, new Sizes(usePrecoded: false), static (m, s) => Measure(m, s), static (m, s, w) => Write(m, s, ref w));

    private delegate void Writer<T>(T message, Sizes sizes, SpanWriter output);

    private static byte[] Encode<T>(T message, Sizes sizes, Func<T, Sizes, int> measure, Writer<T> write)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            var bytes = new byte[measure(message, sizes)];
            write(message, sizes, new SpanWriter(bytes));
            return bytes;
        }
        finally
        {
            sizes.Return();
        }
    }

    private static void Serialize<T>(T message, Grpc.Core.SerializationContext context, Sizes sizes, Func<T, Sizes, int> measure, Writer<T> write)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var length = measure(message, sizes);
            context.SetPayloadLength(length);
            var buffer = context.GetBufferWriter();
            var span = buffer.GetSpan(length);
            if (span.Length >= length)
            {
                write(message, sizes, new SpanWriter(span[..length]));
                buffer.Advance(length);
            }
            else
            {
                var rented = ArrayPool<byte>.Shared.Rent(length);
                try
                {
                    write(message, sizes, new SpanWriter(rented.AsSpan(0, length)));
                    buffer.Write(rented.AsSpan(0, length));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }

            context.Complete();
        }
        finally
        {
            sizes.Return();
        }
    }
}
