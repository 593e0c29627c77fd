using System.Text;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Loading;

/// <summary>
/// The text side of a CSV file before the warehouse's reader sees it: its encoding (a UTF-16 file or one in
/// Windows-1252 or Latin-1 is copied to UTF-8 line for line, so line numbers still point into the original), and
/// finding a record longer than the reader takes, by its true line number.
/// </summary>
public static class RawText
{
    static RawText() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The .NET encoding for a <see cref="LoadOptions.Encoding"/> name.</summary>
    public static Encoding Resolve(string name) => name.ToLowerInvariant() switch
    {
        "utf-8" or "utf8" => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        "windows-1252" or "cp1252" => Encoding.GetEncoding(1252),
        "latin-1" or "latin1" or "iso-8859-1" => Encoding.Latin1,
        _ => throw new WarehouseException($"Unknown encoding '{name}': use {string.Join(", ", LoadOptions.Encodings)}."),
    };

    /// <summary>
    /// The path the warehouse should read: <paramref name="path"/> itself when it is UTF-8 (with or without a
    /// byte-order mark), else a UTF-8 copy written into <paramref name="workDirectory"/>.
    /// </summary>
    public static string AsUtf8(string path, Encoding declared, string workDirectory)
    {
        ArgumentNullException.ThrowIfNull(declared);
        var bom = new byte[3];
        using (var probe = File.OpenRead(path))
        {
            _ = probe.Read(bom, 0, 3);
        }

        var utf16 = (bom[0] == 0xFF && bom[1] == 0xFE) || (bom[0] == 0xFE && bom[1] == 0xFF);
        if (!utf16 && declared is UTF8Encoding)
        {
            EnsureUtf8(path);
            return path;
        }

        Directory.CreateDirectory(workDirectory);
        var copy = Path.Combine(workDirectory, Path.GetFileName(path));
        using var reader = new StreamReader(path, declared, detectEncodingFromByteOrderMarks: true);
        using var writer = new StreamWriter(copy, false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 20);
        var buffer = new char[1 << 16];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            writer.Write(buffer, 0, read);
        }

        return copy;
    }

    /// <summary>
    /// Fails, naming the first line that is not, unless the whole file is valid UTF-8 (the reader would otherwise
    /// keep the bytes of another encoding as they are). One pass over the bytes, vectorized by the runtime.
    /// </summary>
    private static void EnsureUtf8(string path)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[1 << 20];
        int carried = 0, read;
        long offset = 0;
        while ((read = stream.Read(buffer, carried, buffer.Length - carried)) > 0 || carried > 0)
        {
            var length = carried + read;
            var span = buffer.AsSpan(0, length);
            // A chunk may end inside a character: check up to the last line break (or all of it at the end).
            var end = read == 0 ? length : span.LastIndexOf((byte)'\n') + 1;
            if (end == 0)
            {
                end = length;
            }

            if (!System.Text.Unicode.Utf8.IsValid(span[..end]))
            {
                var bad = offset + FirstInvalid(span[..end]);
                throw new WarehouseException(
                    $"{path}:{LineOf(path, bad)}: not UTF-8 text (if the file comes from Excel on Windows, load with --encoding windows-1252; see docs/RAW_DATA.md); nothing was changed.");
            }

            span[end..].CopyTo(buffer);
            carried = length - end;
            offset += end;
            if (read == 0)
            {
                break;
            }
        }
    }

    private static int FirstInvalid(ReadOnlySpan<byte> bytes)
    {
        var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true);
        for (var line = 0; line < bytes.Length;)
        {
            var next = bytes[line..].IndexOf((byte)'\n');
            var end = next < 0 ? bytes.Length : line + next + 1;
            if (!System.Text.Unicode.Utf8.IsValid(bytes[line..end]))
            {
                return line;
            }

            line = end;
        }

        _ = decoder;
        return 0;
    }

    private static long LineOf(string path, long byteOffset)
    {
        using var stream = new BufferedStream(File.OpenRead(path), 1 << 20);
        long line = 1;
        for (long i = 0; i < byteOffset; i++)
        {
            if (stream.ReadByte() == '\n')
            {
                line++;
            }
        }

        return line;
    }

    /// <summary>
    /// The first record longer than <paramref name="limitBytes"/>: its line (header = line 1, one per record, as the
    /// reader counts; quoted line breaks stay inside their record) and its length in bytes; null when there is none.
    /// </summary>
    public static (long Line, long Bytes)? FindLongRecord(string path, long limitBytes)
    {
        using var stream = new BufferedStream(File.OpenRead(path), 1 << 20);
        long line = 1, length = 0;
        var quoted = false;
        int b;
        while ((b = stream.ReadByte()) >= 0)
        {
            if (b == '"')
            {
                quoted = !quoted;
            }
            else if (b == '\n' && !quoted)
            {
                if (length > limitBytes)
                {
                    return (line, length);
                }

                line++;
                length = 0;
                continue;
            }

            length++;
        }

        return length > limitBytes ? (line, length) : null;
    }
}
