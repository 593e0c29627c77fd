using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Loading;

public enum SourceFormat
{
    Csv,
    Parquet,
}

/// <summary>
/// A raw source's file, found in the raw folder, with the columns its header declares and, for CSV, the delimiter
/// that header uses. <see cref="ReadPath"/> is what the warehouse reads: the file itself, or its UTF-8 copy when it
/// is in another encoding (same lines, so line numbers still point into <see cref="Path"/>).
/// </summary>
public sealed record SourceFile(RawSource Source, string Path, SourceFormat Format, IReadOnlyList<string> HeaderColumns, char Delimiter = ',')
{
    private static readonly string[] Extensions = [".csv", ".parquet"];

    private static readonly char[] Delimiters = [',', ';', '\t', '|'];

    public string FileName => System.IO.Path.GetFileName(Path);

    public string ReadPath { get; init; } = Path;

    /// <summary>
    /// Finds <c>&lt;name&gt;.csv</c> or <c>&lt;name&gt;.parquet</c> in <paramref name="directory"/>.
    /// Returns null for a missing optional source; throws for a missing required one.
    /// </summary>
    public static string? Locate(RawSource source, string directory, bool required = true)
    {
        var candidates = Extensions
            .Select(ext => System.IO.Path.Combine(directory, source.Name + ext))
            .Where(File.Exists)
            .ToList();
        return candidates.Count switch
        {
            0 when source.Optional || !required => null,
            0 => throw new WarehouseException(
                $"Missing raw file: {System.IO.Path.Combine(directory, source.Name)}.csv (or .parquet) is required."),
            1 => candidates[0],
            _ => throw new WarehouseException(
                $"Both {source.Name}.csv and {source.Name}.parquet are in {directory}: keep one of them."),
        };
    }

    /// <summary>Checks that every column the source requires is declared, naming the file and the missing columns.</summary>
    public void EnsureRequiredColumns()
    {
        var missing = Source.Columns
            .Where(c => c.InFile && !HeaderColumns.Contains(c.Name, StringComparer.OrdinalIgnoreCase))
            .Select(c => c.Name)
            .ToList();
        if (missing.Count > 0)
        {
            throw new WarehouseException(
                $"{Path}: missing required column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} " +
                $"(header has: {string.Join(", ", HeaderColumns)}).");
        }

        var duplicated = HeaderColumns.GroupBy(c => c, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicated.Count > 0)
        {
            throw new WarehouseException($"{Path}: column {string.Join(", ", duplicated)} appears more than once in the header.");
        }
    }

    /// <summary>
    /// Reads a CSV file's header line (the data itself is read by the warehouse's own CSV reader) and finds its
    /// delimiter: <paramref name="delimiter"/> when given, else the one of comma, semicolon, tab and pipe that splits
    /// it into the most of the source's column names (the names are known, so this is a lookup, not a guess about the
    /// data). A byte-order mark and CRLF are handled; quoted column names are unquoted.
    /// </summary>
    public static (IReadOnlyList<string> Columns, char Delimiter) ReadCsvHeader(RawSource source, string path, System.Text.Encoding encoding, char? delimiter)
    {
        ArgumentNullException.ThrowIfNull(source);
        var line = ReadHeaderLine(path, encoding);
        var chosen = delimiter ?? Delimiters
            .OrderByDescending(d => Split(line, d).Count(c => source.FindColumn(c) is not null))
            .ThenBy(d => Array.IndexOf(Delimiters, d))
            .First();
        return (Split(line, chosen), chosen);
    }

    /// <summary>The header of a comma-separated UTF-8 file (as <see cref="ReadCsvHeader(RawSource, string, System.Text.Encoding, char?)"/>).</summary>
    public static IReadOnlyList<string> ReadCsvHeader(string path) => Split(ReadHeaderLine(path, System.Text.Encoding.UTF8), ',');

    private static List<string> Split(string line, char delimiter) =>
        line.Split(delimiter).Select(c => c.Trim().Trim('"').Trim()).ToList();

    private static string ReadHeaderLine(string path, System.Text.Encoding encoding)
    {
        string? line;
        try
        {
            using var reader = new StreamReader(path, encoding, detectEncodingFromByteOrderMarks: true);
            line = reader.ReadLine();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new WarehouseException($"{path}: cannot read the file ({ex.Message}).", ex);
        }

        if (string.IsNullOrWhiteSpace(line))
        {
            throw new WarehouseException($"{path}: the file is empty; expected a header row.");
        }

        if (line.Contains('\0', StringComparison.Ordinal))
        {
            throw new WarehouseException($"{path}: the file is not a text CSV file.");
        }

        return line;
    }
}
