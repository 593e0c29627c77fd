using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace GtmMart.Server.Wire;

// The measured sizes and the span the message is written into.
public static partial class ScoreWire
{
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
