using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
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
public static class ScoreWire
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

    /// <summary>The encoded bytes (for tests and callers outside gRPC).</summary>
    public static byte[] ToBytes(ScoreOpportunitiesResponse message) => Encode(message, static (m, s) => Measure(m, s), static (m, s, w) => Write(m, s, ref w));

    /// <summary>The encoded bytes (for tests and callers outside gRPC).</summary>
    public static byte[] ToBytes(ScoreStreamResponse message) => Encode(message, static (m, s) => Measure(m, s), static (m, s, w) => Write(m, s, ref w));

    /// <summary>Serializes into a gRPC message: the length first, then the bytes into the call's buffer writer.</summary>
    public static void Serialize(ScoreOpportunitiesResponse message, Grpc.Core.SerializationContext context) =>
        Serialize(message, context, static (m, s) => Measure(m, s), static (m, s, w) => Write(m, s, ref w));

    /// <summary>Serializes into a gRPC message: the length first, then the bytes into the call's buffer writer.</summary>
    public static void Serialize(ScoreStreamResponse message, Grpc.Core.SerializationContext context) =>
        Serialize(message, context, static (m, s) => Measure(m, s), static (m, s, w) => Write(m, s, ref w));

    private delegate void Writer<T>(T message, Sizes sizes, SpanWriter output);

    private static byte[] Encode<T>(T message, Func<T, Sizes, int> measure, Writer<T> write)
    {
        ArgumentNullException.ThrowIfNull(message);
        var sizes = new Sizes();
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

    private static void Serialize<T>(T message, Grpc.Core.SerializationContext context, Func<T, Sizes, int> measure, Writer<T> write)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        var sizes = new Sizes();
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
                write(message, sizes, new SpanWriter(rented.AsSpan(0, length)));
                buffer.Write(rented.AsSpan(0, length));
                ArrayPool<byte>.Shared.Return(rented);
            }

            context.Complete();
        }
        finally
        {
            sizes.Return();
        }
    }

    // Measuring records, in the order the writer meets them, the size of every nested message and the UTF-8 length
    // of every string; writing reads them back in that order. A nested message's slot is reserved before its fields
    // are measured (they come after it in the order) and filled once its size is known:
    // `sizes.Nested(sizes.Reserve(), Measure(child, sizes))` relies on C# evaluating arguments left to right.

    private static int Measure(ScoreOpportunitiesResponse m, Sizes sizes)
    {
        var size = 0;
        var results = m.Results;
        for (var i = 0; i < results.Count; i++)
        {
            size += 1 + sizes.Nested(sizes.Reserve(), Measure(results[i], sizes));
        }

        return size;
    }

    private static int Measure(OpportunityResult m, Sizes sizes) => m.ResultCase switch
    {
        OpportunityResult.ResultOneofCase.Score => 1 + sizes.Nested(sizes.Reserve(), Measure(m.Score, sizes)),
        OpportunityResult.ResultOneofCase.Error => 1 + sizes.Nested(sizes.Reserve(), m.Error.CalculateSize()),
        _ => 0,
    };

    private static int Measure(OpportunityScore m, Sizes sizes)
    {
        var size = 0;
        if (m.OpportunityId.Length != 0)
        {
            size += 1 + String(m.OpportunityId, sizes);
        }

        if (m.Score != 0)
        {
            size += 1 + CodedOutputStream.ComputeInt32Size(m.Score);
        }

        if (m.Probability != 0D)
        {
            size += 1 + 8;
        }

        for (var i = 0; i < m.TopPositive.Count; i++)
        {
            size += 1 + sizes.Nested(sizes.Reserve(), Measure(m.TopPositive[i], sizes));
        }

        for (var i = 0; i < m.TopNegative.Count; i++)
        {
            size += 1 + sizes.Nested(sizes.Reserve(), Measure(m.TopNegative[i], sizes));
        }

        if (m.Model is { } model)
        {
            size += 1 + sizes.Nested(sizes.Reserve(), Measure(model, sizes));
        }

        return size;
    }

    private static int Measure(Factor m, Sizes sizes)
    {
        var size = 0;
        if (m.Feature.Length != 0)
        {
            size += 1 + String(m.Feature, sizes);
        }

        if (m.Text.Length != 0)
        {
            size += 1 + String(m.Text, sizes);
        }

        if (m.Contribution != 0D)
        {
            size += 1 + 8;
        }

        return size;
    }

    private static int Measure(ModelRef m, Sizes sizes)
    {
        var size = 0;
        if (m.Name.Length != 0)
        {
            size += 1 + String(m.Name, sizes);
        }

        if (m.Version.Length != 0)
        {
            size += 1 + String(m.Version, sizes);
        }

        return size;
    }

    private static int Measure(ScoreStreamResponse m, Sizes sizes) => m.ResultCase switch
    {
        ScoreStreamResponse.ResultOneofCase.Opportunity => 1 + sizes.Nested(sizes.Reserve(), Measure(m.Opportunity, sizes)),
        ScoreStreamResponse.ResultOneofCase.Account => 1 + sizes.Nested(sizes.Reserve(), m.Account.CalculateSize()),
        ScoreStreamResponse.ResultOneofCase.Error => 1 + sizes.Nested(sizes.Reserve(), m.Error.CalculateSize()),
        ScoreStreamResponse.ResultOneofCase.Opportunities => 1 + sizes.Nested(sizes.Reserve(), Measure(m.Opportunities, sizes)),
        ScoreStreamResponse.ResultOneofCase.Accounts => 1 + sizes.Nested(sizes.Reserve(), m.Accounts.CalculateSize()),
        _ => 0,
    };

    private static int String(string value, Sizes sizes)
    {
        var length = Utf8.GetByteCount(value);
        sizes.Add(length);
        return CodedOutputStream.ComputeLengthSize(length) + length;
    }

    private static void Write(ScoreOpportunitiesResponse m, Sizes sizes, ref SpanWriter w)
    {
        var results = m.Results;
        for (var i = 0; i < results.Count; i++)
        {
            w.Tag(10);
            w.Varint((uint)sizes.Next());
            Write(results[i], sizes, ref w);
        }
    }

    private static void Write(OpportunityResult m, Sizes sizes, ref SpanWriter w)
    {
        switch (m.ResultCase)
        {
            case OpportunityResult.ResultOneofCase.Score:
                w.Tag(10);
                w.Varint((uint)sizes.Next());
                Write(m.Score, sizes, ref w);
                break;
            case OpportunityResult.ResultOneofCase.Error:
                w.Tag(18);
                w.Protobuf(m.Error, sizes.Next());
                break;
        }
    }

    private static void Write(OpportunityScore m, Sizes sizes, ref SpanWriter w)
    {
        if (m.OpportunityId.Length != 0)
        {
            w.Tag(10);
            w.String(m.OpportunityId, sizes.Next());
        }

        if (m.Score != 0)
        {
            w.Tag(16);
            w.Varint64(unchecked((ulong)(long)m.Score));
        }

        if (m.Probability != 0D)
        {
            w.Tag(25);
            w.Double(m.Probability);
        }

        for (var i = 0; i < m.TopPositive.Count; i++)
        {
            w.Tag(34);
            w.Varint((uint)sizes.Next());
            Write(m.TopPositive[i], sizes, ref w);
        }

        for (var i = 0; i < m.TopNegative.Count; i++)
        {
            w.Tag(42);
            w.Varint((uint)sizes.Next());
            Write(m.TopNegative[i], sizes, ref w);
        }

        if (m.Model is { } model)
        {
            w.Tag(50);
            w.Varint((uint)sizes.Next());
            Write(model, sizes, ref w);
        }
    }

    private static void Write(Factor m, Sizes sizes, ref SpanWriter w)
    {
        if (m.Feature.Length != 0)
        {
            w.Tag(10);
            w.String(m.Feature, sizes.Next());
        }

        if (m.Text.Length != 0)
        {
            w.Tag(18);
            w.String(m.Text, sizes.Next());
        }

        if (m.Contribution != 0D)
        {
            w.Tag(25);
            w.Double(m.Contribution);
        }
    }

    private static void Write(ModelRef m, Sizes sizes, ref SpanWriter w)
    {
        if (m.Name.Length != 0)
        {
            w.Tag(10);
            w.String(m.Name, sizes.Next());
        }

        if (m.Version.Length != 0)
        {
            w.Tag(18);
            w.String(m.Version, sizes.Next());
        }
    }

    private static void Write(ScoreStreamResponse m, Sizes sizes, ref SpanWriter w)
    {
        switch (m.ResultCase)
        {
            case ScoreStreamResponse.ResultOneofCase.Opportunity:
                w.Tag(10);
                w.Varint((uint)sizes.Next());
                Write(m.Opportunity, sizes, ref w);
                break;
            case ScoreStreamResponse.ResultOneofCase.Account:
                w.Tag(18);
                w.Protobuf(m.Account, sizes.Next());
                break;
            case ScoreStreamResponse.ResultOneofCase.Error:
                w.Tag(26);
                w.Protobuf(m.Error, sizes.Next());
                break;
            case ScoreStreamResponse.ResultOneofCase.Opportunities:
                w.Tag(34);
                w.Varint((uint)sizes.Next());
                Write(m.Opportunities, sizes, ref w);
                break;
            case ScoreStreamResponse.ResultOneofCase.Accounts:
                w.Tag(42);
                w.Protobuf(m.Accounts, sizes.Next());
                break;
        }
    }

    /// <summary>Sizes in the order the writer needs them, in a pooled array.</summary>
    private sealed class Sizes
    {
        private int[] _values = ArrayPool<int>.Shared.Rent(64);
        private int _count;
        private int _next;

        /// <summary>Reserves the slot of a nested message about to be measured.</summary>
        public int Reserve()
        {
            Add(-1);
            return _count - 1;
        }

        /// <summary>Fills a reserved slot; returns the message's length prefix plus its size.</summary>
        public int Nested(int slot, int size)
        {
            _values[slot] = size;
            return CodedOutputStream.ComputeLengthSize(size) + size;
        }

        public void Add(int value)
        {
            if (_count == _values.Length)
            {
                var larger = ArrayPool<int>.Shared.Rent(_values.Length * 2);
                _values.AsSpan(0, _count).CopyTo(larger);
                ArrayPool<int>.Shared.Return(_values);
                _values = larger;
            }

            _values[_count++] = value;
        }

        public int Next() => _values[_next++];

        public void Return() => ArrayPool<int>.Shared.Return(_values);
    }

    /// <summary>Writes into a span that is exactly the message's size.</summary>
    private ref struct SpanWriter(Span<byte> output)
    {
        private readonly Span<byte> _output = output;
        private int _at;

        public void Tag(byte tag) => _output[_at++] = tag;

        public void Varint(uint value)
        {
            while (value >= 0x80)
            {
                _output[_at++] = (byte)(value | 0x80);
                value >>= 7;
            }

            _output[_at++] = (byte)value;
        }

        public void Varint64(ulong value)
        {
            while (value >= 0x80)
            {
                _output[_at++] = (byte)(value | 0x80);
                value >>= 7;
            }

            _output[_at++] = (byte)value;
        }

        public void Double(double value)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(_output[_at..], value);
            _at += 8;
        }

        public void String(string value, int utf8Length)
        {
            Varint((uint)utf8Length);
            _at += Utf8.GetBytes(value, _output.Slice(_at, utf8Length));
        }

        public void Protobuf(IMessage message, int size)
        {
            Varint((uint)size);
            message.WriteTo(_output.Slice(_at, size));
            _at += size;
        }
    }
}
