using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace GtmMart.Server.Wire;

// The measured sizes and the span the message is written into.
public static partial class ScoreWire
{
    /// <summary>Sizes in the order the writer needs them, in a pooled array.</summary>
    private sealed class Sizes(bool usePrecoded)
    {
        private int[] _values = ArrayPool<int>.Shared.Rent(64);
        private int _count;
        private int _next;

        /// <summary>Whether a precoded score's bytes are copied (else every score is encoded from its fields).</summary>
        public bool UsePrecoded { get; } = usePrecoded;

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

        /// <summary>A varint: 7 bits a byte, low first, the high bit set on all but the last.</summary>
        public void Varint(ulong value)
        {
            while (value >= 0x80)
            {
                _output[_at++] = (byte)(value | 0x80);
                value >>= 7;
            }

            _output[_at++] = (byte)value;
        }

        /// <summary>The tag and length of a nested message whose fields the caller writes next.</summary>
        public void Nested(byte tag, Sizes sizes)
        {
            Tag(tag);
            Varint((uint)sizes.Next());
        }

        /// <summary>A non-empty string field (see <c>StringField</c> in measuring); nothing for an empty one.</summary>
        public void StringField(byte tag, string value, Sizes sizes)
        {
            if (value.Length == 0)
            {
                return;
            }

            var length = sizes.Next();
            Tag(tag);
            Varint((uint)length);
            _at += Utf8.GetBytes(value, _output.Slice(_at, length));
        }

        /// <summary>Bytes encoded before (a precoded message's fields).</summary>
        public void Raw(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_output[_at..]);
            _at += bytes.Length;
        }

        /// <summary>A double field unless it compares equal to 0.</summary>
        public void DoubleField(byte tag, double value)
        {
            if (value != 0D)
            {
                Tag(tag);
                BinaryPrimitives.WriteDoubleLittleEndian(_output[_at..], value);
                _at += 8;
            }
        }

        /// <summary>A nested message protobuf writes itself, with the size measured before.</summary>
        public void Protobuf(byte tag, IMessage message, Sizes sizes)
        {
            var size = sizes.Next();
            Nested(tag, size);
            message.WriteTo(_output.Slice(_at, size));
            _at += size;
        }

        private void Nested(byte tag, int size)
        {
            Tag(tag);
            Varint((uint)size);
        }
    }
}
