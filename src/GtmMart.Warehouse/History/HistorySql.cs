using System.Reflection;
using GtmMart.Warehouse.Models;

namespace GtmMart.Warehouse.History;

/// <summary>The portable SELECTs under <c>sql/history</c>, built into this assembly (the dialect test checks the files).</summary>
internal static class HistorySql
{
    public static string Read(string name)
    {
        var assembly = typeof(HistorySql).Assembly;
        using var stream = assembly.GetManifestResourceStream($"GtmMart.Warehouse.History.{name}")
            ?? throw new InvalidOperationException($"sql/history/{name} is not embedded in {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return ModelCatalog.StripComments(reader.ReadToEnd()).Trim().TrimEnd(';');
    }
}
