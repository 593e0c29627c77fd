using GtmMart.Scoring.Registry;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Reporting;

/// <summary>What <see cref="GtmReport.Write"/> wrote.</summary>
public sealed record ReportResult(string Path, long Bytes, ReportData Data);

/// <summary>The GTM dashboard: query the report datasets from the warehouse and write the self-contained HTML page.</summary>
public static class GtmReport
{
    /// <summary>The file name <c>gtm run</c> writes beside the warehouse.</summary>
    public const string DefaultFileName = "report.html";

    /// <summary>The report queries' folder inside a SQL directory (<c>sql/reports</c>).</summary>
    public static string QueryDirectory(string sqlDirectory) => Path.Combine(sqlDirectory, ReportQuery.Folder);

    /// <summary>
    /// Queries <paramref name="warehouse"/> with the report queries under <paramref name="sqlDirectory"/>/reports, reads the
    /// active model cards from <paramref name="registry"/>, and writes the page to <paramref name="outputPath"/>
    /// (replaced atomically: a reader never sees half a file).
    /// </summary>
    public static ReportResult Write(IWarehouse warehouse, string sqlDirectory, ModelRegistry? registry, string outputPath, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        var data = ReportDataReader.Read(warehouse, QueryDirectory(sqlDirectory), registry, time);
        var html = ReportHtml.Render(data);
        var path = Path.GetFullPath(outputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, html, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(temp, path, overwrite: true);
        return new ReportResult(path, new FileInfo(path).Length, data);
    }
}
