using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Loading;

/// <summary>
/// Loads a raw folder into the <c>raw</c> schema. Every file is found and its header checked before anything changes;
/// then the engine's dialect reads the files and replaces all raw tables together, so a failure leaves the warehouse as
/// it was. Rejected records go to <c>raw.load_rejects</c> with file, line, column and reason; counts go to <c>raw.load_log</c>.
/// </summary>
public sealed class RawLoader(IWarehouse warehouse)
{
    public LoadReport Load(string directory, IProgress<string>? progress = null) => Load(directory, LoadOptions.Default, progress);

    public LoadReport Load(string directory, LoadOptions options, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Directory.Exists(directory))
        {
            throw new WarehouseException($"Raw folder not found: {Path.GetFullPath(directory)}");
        }

        // Every file is found before the warehouse is opened, so a wrong folder creates no database.
        // Appending, any of the sources may be absent: only the files given are added.
        var located = RawSources.All.Select(s => (Source: s, Path: SourceFile.Locate(s, directory, required: !options.Append))).ToList();
        if (options.Append && located.All(l => l.Path is null))
        {
            throw new WarehouseException($"Nothing to append in {Path.GetFullPath(directory)}: none of {string.Join(", ", RawSources.All.Select(s => s.Name + ".csv"))} (or .parquet) is there.");
        }

        var encoding = RawText.Resolve(options.Encoding);
        var work = Path.Combine(Path.GetTempPath(), $"gtm-load-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var files = new List<(RawSource Source, SourceFile? File)>();
            foreach (var (source, path) in located.Where(l => l.Path is not null && !IsParquet(l.Path)))
            {
                var (header, delimiter) = SourceFile.ReadCsvHeader(source, path!, encoding, options.Delimiter);
                var file = new SourceFile(source, path!, SourceFormat.Csv, header, delimiter);
                file.EnsureRequiredColumns();
                files.Add((source, file with { ReadPath = RawText.AsUtf8(path!, encoding, work) }));
            }

            using var connection = warehouse.Open();
            foreach (var (source, path) in located.Where(l => l.Path is not null && IsParquet(l.Path)))
            {
                var file = new SourceFile(source, path!, SourceFormat.Parquet, warehouse.Dialect.ReadParquetHeader(connection, path!));
                file.EnsureRequiredColumns();
                files.Add((source, file));
            }

            files.AddRange(located.Where(l => l.Path is null).Select(l => (l.Source, (SourceFile?)null)));
            var ordered = RawSources.All.Select(s => files.Single(f => f.Source == s)).ToList();
            return warehouse.Dialect.LoadRaw(connection, ordered, options, progress);
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private static bool IsParquet(string? path) => path?.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) == true;
}
