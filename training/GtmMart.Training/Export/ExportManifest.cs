using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GtmMart.Training.Export;

/// <summary>
/// <c>manifest.json</c> of a feature snapshot folder: where the data came from and, per Parquet file, its shape and
/// the SHA-256 of its bytes. <see cref="SnapshotHash"/> identifies the whole snapshot (same mart, same hash).
/// </summary>
public sealed record ExportManifest(
    DateTime CreatedAt,
    string Source,
    long? SourceBuildId,
    IReadOnlyList<ExportedFile> Files,
    string SnapshotHash)
{
    public const string FileName = "manifest.json";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The entry for a table, by full (<c>mart.mrt_x</c>) or bare (<c>mrt_x</c>) name.</summary>
    public ExportedFile File(string table) =>
        Files.FirstOrDefault(f => f.Table.Equals(table, StringComparison.OrdinalIgnoreCase)
                                  || FeatureExporter.BareName(f.Table).Equals(table, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException(
            $"The snapshot has no file for table {table}; it holds {string.Join(", ", Files.Select(f => f.Table))}.");

    /// <summary>SHA-256 (lower-case hex) over the per-file hashes in order, each as hex followed by a newline.</summary>
    public static string ComputeSnapshotHash(IEnumerable<string> fileHashes) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(fileHashes.Select(h => h + "\n")))));

    /// <summary>SHA-256 (lower-case hex) of a file's bytes.</summary>
    public static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public void Write(string directory)
    {
        var path = Path.Combine(directory, FileName);
        var temp = path + ".tmp";
        System.IO.File.WriteAllText(temp, JsonSerializer.Serialize(this, JsonOptions) + "\n");
        System.IO.File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads <c>manifest.json</c> from a snapshot folder (no hash checks; see <see cref="Verify"/>).</summary>
    public static ExportManifest Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!System.IO.File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing: {directory} is not a complete feature snapshot.", path);
        }

        try
        {
            return JsonSerializer.Deserialize<ExportManifest>(System.IO.File.ReadAllText(path), JsonOptions)
                ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a valid snapshot manifest: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Reads the manifest and recomputes every file's SHA-256; throws <see cref="FileNotFoundException"/> or
    /// <see cref="InvalidDataException"/> naming the first file that is missing or changed.
    /// </summary>
    public static ExportManifest Verify(string directory)
    {
        var manifest = Read(directory);
        if (manifest.Files is null || manifest.Files.Count == 0)
        {
            throw new InvalidDataException($"{Path.Combine(directory, FileName)} lists no files.");
        }

        foreach (var file in manifest.Files)
        {
            var path = Path.Combine(directory, file.File);
            if (!System.IO.File.Exists(path))
            {
                throw new FileNotFoundException($"Snapshot file {file.File} (table {file.Table}) is missing from {directory}.", path);
            }

            var actual = HashFile(path);
            if (!actual.Equals(file.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException(
                    $"Snapshot file {file.File} (table {file.Table}) in {directory} has changed since export: " +
                    $"sha256 {actual}, manifest says {file.Sha256}.");
            }
        }

        var snapshot = ComputeSnapshotHash(manifest.Files.Select(f => f.Sha256));
        if (!snapshot.Equals(manifest.SnapshotHash, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException(
                $"{Path.Combine(directory, FileName)}: snapshot_hash {manifest.SnapshotHash} does not match its files ({snapshot}); the manifest was edited.");
        }

        return manifest;
    }
}

/// <summary>One exported table: its Parquet file (relative to the snapshot folder), shape and content hash.</summary>
public sealed record ExportedFile(
    string Table,
    string File,
    long Rows,
    int RowGroups,
    IReadOnlyList<ExportedColumn> Columns,
    string Sha256);

/// <summary>A Parquet column and its type (string, int32, int64, double, bool, date, timestamp, timestamptz).</summary>
public sealed record ExportedColumn(string Name, string Type);
