using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Loading;

/// <summary>
/// Loads a raw folder into the <c>raw</c> schema. Every file is found and its header checked before anything changes;
/// then the engine's dialect reads the files and replaces all raw tables together, so a failure leaves the warehouse as
/// it was. Rejected records go to <c>raw.load_rejects</c> with file, line, column and reason; counts go to <c>raw.load_log</c>.
/// </summary>
public sealed class RawLoader(IWarehouse warehouse)
{
    public LoadReport Load(string directory, IProgress<string>? progress = null)
    {
        if (!Directory.Exists(directory))
        {
            throw new WarehouseException($"Raw folder not found: {Path.GetFullPath(directory)}");
        }

        // Every file is found before the warehouse is opened, so a wrong folder creates no database.
        var located = RawSources.All.Select(s => (Source: s, Path: SourceFile.Locate(s, directory))).ToList();
        using var connection = warehouse.Open();
        var files = new List<(RawSource Source, SourceFile? File)>();
        foreach (var (source, path) in located)
        {
            if (path is null)
            {
                files.Add((source, null));
                continue;
            }

            var format = path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? SourceFormat.Parquet : SourceFormat.Csv;
            var header = format == SourceFormat.Csv ? SourceFile.ReadCsvHeader(path) : warehouse.Dialect.ReadParquetHeader(connection, path);
            var file = new SourceFile(source, path, format, header);
            file.EnsureRequiredColumns();
            files.Add((source, file));
        }

        return warehouse.Dialect.LoadRaw(connection, files, progress);
    }
}
