using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace GtmMart.Training.Gate;

/// <summary>
/// The rows a registered version was fitted on, kept beside it (<c>fitted-rows.txt.gz</c>: one line per row, id,
/// created date and label, tab-separated) so that a later candidate can be compared with it on rows it has not seen.
/// A row counts as seen only when id, date and label all match, so another data set that reuses ids (a regenerated
/// demo in the same warehouse) does not pass for the same rows.
/// </summary>
public sealed class FittedRows
{
    public const string FileName = "fitted-rows.txt.gz";

    private readonly HashSet<string> keys;

    private FittedRows(HashSet<string> keys) => this.keys = keys;

    public int Count => keys.Count;

    public static string Key(string id, DateTime? created, bool label) =>
        string.Join('\t', id, created?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "", label ? "1" : "0");

    public bool Contains(string key) => keys.Contains(key);

    /// <summary>Writes the keys into <paramref name="directory"/> (a version's staging folder).</summary>
    public static void Write(string directory, IEnumerable<string> rowKeys)
    {
        ArgumentNullException.ThrowIfNull(rowKeys);
        using var file = File.Create(Path.Combine(directory, FileName));
        using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
        using var writer = new StreamWriter(gzip, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        foreach (var key in rowKeys)
        {
            writer.Write(key);
            writer.Write('\n');
        }
    }

    /// <summary>The rows of a registered version, or null when it has none recorded (registered before they were kept).</summary>
    public static FittedRows? Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            keys.Add(line);
        }

        return new FittedRows(keys);
    }
}
