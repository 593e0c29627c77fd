using System.Reflection;
using GtmMart.Warehouse.Models;

namespace GtmMart.Warehouse.History;

/// <summary>The portable SELECTs under <c>sql/history/queries</c>, built into this assembly (the dialect test checks the files).</summary>
internal static class HistorySql
{
    public static string Read(string name)
    {
        var assembly = typeof(HistorySql).Assembly;
        using var stream = assembly.GetManifestResourceStream($"GtmMart.Warehouse.history.queries.{name}")
            ?? throw new InvalidOperationException($"sql/history/queries/{name} is not embedded in {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return ModelCatalog.StripComments(reader.ReadToEnd()).Trim().TrimEnd(';');
    }
}
