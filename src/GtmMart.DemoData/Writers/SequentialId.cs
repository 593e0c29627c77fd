using System.Globalization;

namespace GtmMart.DemoData.Writers;

/// <summary>
/// A zero-padded id (prefix + digits) kept as ASCII and incremented in place, so writing consecutive ids costs a
/// copy instead of a number format. Widens by one digit if the count outgrows the width.
/// </summary>
internal sealed class SequentialId
{
    private byte[] _text;
    private readonly int _prefixLength;

    public SequentialId(string prefix, long first, int width)
    {
        _prefixLength = prefix.Length;
        _text = CsvFormat.Utf8(prefix + first.ToString("D" + width.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }

    public ReadOnlySpan<byte> Current => _text;

    public void Increment()
    {
        for (var i = _text.Length - 1; i >= _prefixLength; i--)
        {
            if (_text[i] != (byte)'9')
            {
                _text[i]++;
                return;
            }

            _text[i] = (byte)'0';
        }

        // All nines: grow one digit ("999" -> "1000").
        var grown = new byte[_text.Length + 1];
        _text.AsSpan(0, _prefixLength).CopyTo(grown);
        grown[_prefixLength] = (byte)'1';
        grown.AsSpan(_prefixLength + 1).Fill((byte)'0');
        _text = grown;
    }
}
