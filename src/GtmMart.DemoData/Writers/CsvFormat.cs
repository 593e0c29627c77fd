using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace GtmMart.DemoData.Writers;

/// <summary>Allocation-free ASCII formatting helpers used by <see cref="CsvWriter"/>.</summary>
internal static class CsvFormat
{
    /// <summary>UTF-8 bytes of a constant field value; rejects values that would need quoting.</summary>
    public static byte[] Utf8(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0
            ? throw new ArgumentException($"Pre-encoded CSV value needs quoting: {value}", nameof(value))
            : Encoding.UTF8.GetBytes(value);

    /// <summary>Writes yyyy-MM-dd (years 1..9999) into 10 bytes.</summary>
    public static void WriteDate(DateOnly date, Span<byte> destination)
    {
        var year = date.Year;
        var month = date.Month;
        var day = date.Day;
        destination[0] = (byte)('0' + (year / 1000));
        destination[1] = (byte)('0' + (year / 100 % 10));
        destination[2] = (byte)('0' + (year / 10 % 10));
        destination[3] = (byte)('0' + (year % 10));
        destination[4] = (byte)'-';
        destination[5] = (byte)('0' + (month / 10));
        destination[6] = (byte)('0' + (month % 10));
        destination[7] = (byte)'-';
        destination[8] = (byte)('0' + (day / 10));
        destination[9] = (byte)('0' + (day % 10));
    }

    public static int CountDigits(ulong value)
    {
        var digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }

    /// <summary>Writes <paramref name="value"/> as exactly <paramref name="digits"/> digits (zero-padded), two at a time.</summary>
    public static void WriteDigits(ref byte destination, ulong value, int digits)
    {
        ref var pairs = ref MemoryMarshal.GetReference(DigitPairs);
        var i = digits;
        while (i >= 2)
        {
            var pair = (int)(value % 100) * 2;
            value /= 100;
            i -= 2;
            Unsafe.Add(ref destination, i) = Unsafe.Add(ref pairs, pair);
            Unsafe.Add(ref destination, i + 1) = Unsafe.Add(ref pairs, pair + 1);
        }

        if (i == 1)
        {
            Unsafe.Add(ref destination, 0) = (byte)('0' + (int)(value % 10));
        }
    }

    private static ReadOnlySpan<byte> DigitPairs =>
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;
}
