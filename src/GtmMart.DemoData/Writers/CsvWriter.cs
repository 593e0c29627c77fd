using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace GtmMart.DemoData.Writers;

/// <summary>
/// Fast CSV writer straight to UTF-8 bytes: comma separated, '\n' line endings, invariant formatting, a field quoted
/// only when it contains a comma, a double quote, CR or LF. Numbers and dates are formatted into the buffer without
/// allocating. Use one field method per column, then <see cref="EndRow"/>.
/// </summary>
internal sealed partial class CsvWriter : IDisposable
{
    private const int BufferSize = 1 << 18;
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _position;
    private bool _rowStarted;
    private bool _disposed;

    public CsvWriter(string path)
        : this(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan))
    {
    }

    public CsvWriter(Stream stream) => _stream = stream;

    /// <summary>Data rows ended so far (the header is not counted).</summary>
    public long Rows { get; private set; }

    public void EndRow()
    {
        Ensure(1);
        _buffer[_position++] = (byte)'\n';
        _rowStarted = false;
        Rows++;
    }

    public void Flush() => Flush(flushStream: true);

    private void Flush(bool flushStream)
    {
        if (_position > 0)
        {
            _stream.Write(_buffer, 0, _position);
            _position = 0;
        }

        if (flushStream)
        {
            _stream.Flush();
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            Flush();
        }
        finally
        {
            _stream.Dispose();
        }
    }

    /// <summary>Writes the separator if needed and makes room for <paramref name="count"/> more bytes; returns where they go.</summary>
    private ref byte Reserve(int count)
    {
        if (_position + count + 1 > BufferSize)
        {
            Flush(flushStream: false);
        }

        ref var buffer = ref MemoryMarshal.GetArrayDataReference(_buffer);
        if (_rowStarted)
        {
            Unsafe.Add(ref buffer, _position++) = (byte)',';
        }

        _rowStarted = true;
        return ref Unsafe.Add(ref buffer, _position);
    }

    private void Separator()
    {
        if (_rowStarted)
        {
            Ensure(1);
            _buffer[_position++] = (byte)',';
        }

        _rowStarted = true;
    }

    private void Raw(string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max > BufferSize)
        {
            Flush();
            var bytes = Encoding.UTF8.GetBytes(value);
            _stream.Write(bytes, 0, bytes.Length);
            return;
        }

        Ensure(max);
        _position += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_position));
    }

    private void Ensure(int count)
    {
        if (_position + count > BufferSize)
        {
            Flush(flushStream: false);
        }
    }
}
