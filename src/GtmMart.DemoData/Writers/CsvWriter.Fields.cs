using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GtmMart.DemoData.Writers;

/// <summary>Field writers of <see cref="CsvWriter"/>: one call per column.</summary>
internal sealed partial class CsvWriter
{
    private static readonly string[] FixedFormats = ["F0", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9"];

    public void WriteHeader(params ReadOnlySpan<string> columns)
    {
        foreach (var column in columns)
        {
            Field(column);
        }

        Ensure(1);
        _buffer[_position++] = (byte)'\n';
        _rowStarted = false;
    }

    /// <summary>Text field, quoted when needed.</summary>
    public void Field(string? value)
    {
        Separator();
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            Raw(value);
            return;
        }

        Raw("\"");
        Raw(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        Raw("\"");
    }

    /// <summary>Pre-encoded field that is known not to need quoting (see <see cref="CsvFormat.Utf8"/>).</summary>
    public void Field(ReadOnlySpan<byte> utf8)
    {
        var length = utf8.Length;
        if (length > 1024)
        {
            Separator();
            Flush(flushStream: false);
            _stream.Write(utf8);
            return;
        }

        ref var destination = ref Reserve(length);
        ref var source = ref MemoryMarshal.GetReference(utf8);
        if (length >= 8 && length <= 16)
        {
            // Two overlapping 8-byte moves cover 8..16 bytes without a memmove call.
            Unsafe.WriteUnaligned(ref destination, Unsafe.ReadUnaligned<ulong>(ref source));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, length - 8), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, length - 8)));
        }
        else if (length >= 4 && length < 8)
        {
            Unsafe.WriteUnaligned(ref destination, Unsafe.ReadUnaligned<uint>(ref source));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, length - 4), Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref source, length - 4)));
        }
        else
        {
            utf8.CopyTo(_buffer.AsSpan(_position));
        }

        _position += length;
    }

    public void Empty() => Separator();

    /// <summary>Non-negative integer without padding.</summary>
    public void Field(long value)
    {
        if (value < 0)
        {
            Separator();
            Ensure(24);
            value.TryFormat(_buffer.AsSpan(_position), out var written, default, CultureInfo.InvariantCulture);
            _position += written;
            return;
        }

        var digits = CsvFormat.CountDigits((ulong)value);
        ref var destination = ref Reserve(digits);
        CsvFormat.WriteDigits(ref destination, (ulong)value, digits);
        _position += digits;
    }

    /// <summary><paramref name="prefix"/> then <paramref name="number"/> (&gt;= 0) zero-padded to <paramref name="width"/> digits.</summary>
    public void Id(ReadOnlySpan<byte> prefix, long number, int width)
    {
        var digits = Math.Max(width, CsvFormat.CountDigits((ulong)number));
        ref var destination = ref Reserve(prefix.Length + digits);
        for (var i = 0; i < prefix.Length; i++)
        {
            Unsafe.Add(ref destination, i) = prefix[i];
        }

        CsvFormat.WriteDigits(ref Unsafe.Add(ref destination, prefix.Length), (ulong)number, digits);
        _position += prefix.Length + digits;
    }

    /// <summary>Amount given in cents, written with exactly two decimals (e.g. 1234 -> 12.34).</summary>
    public void Cents(long cents)
    {
        Separator();
        Ensure(26);
        if (cents < 0)
        {
            _buffer[_position++] = (byte)'-';
            cents = -cents;
        }

        (cents / 100).TryFormat(_buffer.AsSpan(_position), out var written, default, CultureInfo.InvariantCulture);
        _position += written;
        var fraction = (int)(cents % 100);
        _buffer[_position++] = (byte)'.';
        _buffer[_position++] = (byte)('0' + (fraction / 10));
        _buffer[_position++] = (byte)('0' + (fraction % 10));
    }

    /// <summary>Decimal with a fixed number of decimals (invariant, round-half-even of the double).</summary>
    public void Fixed(double value, int decimals)
    {
        Separator();
        Ensure(40);
        value.TryFormat(_buffer.AsSpan(_position), out var written, decimals <= 9 ? FixedFormats[decimals] : "F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        _position += written;
    }

    /// <summary>ISO date yyyy-MM-dd.</summary>
    public void Date(DateOnly date)
    {
        Separator();
        Ensure(10);
        CsvFormat.WriteDate(date, _buffer.AsSpan(_position));
        _position += 10;
    }
}
