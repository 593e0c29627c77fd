using System.Data.Common;
using GtmMart.Warehouse.Attribution;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Building;

/// <summary>
/// A model the build computes in C# because it cannot be portable SQL (an exact linear solve, say). Its
/// <c>sql/&lt;layer&gt;/&lt;name&gt;.sql</c> is the portable query that gives it its input (so its references order it
/// among the models and the dialect test checks it), and <c>computed_by:</c> in <c>_models.yml</c> names the step. It
/// writes its table into the build's schema like any model, inside the same write-audit-publish build, and is tested
/// by the data tests declared beside it.
/// </summary>
public interface IComputedModel
{
    /// <summary>Runs <paramref name="inputSql"/> (already pointed at this build's tables), creates <paramref name="table"/> and fills it.</summary>
    void Materialize(DbConnection connection, string inputSql, string table);
}

/// <summary>The computed models a <c>computed_by:</c> may name.</summary>
public static class ComputedModels
{
    private static readonly Dictionary<string, IComputedModel> Steps = new(StringComparer.Ordinal)
    {
        ["markov_removal_effects"] = new MarkovRemovalEffects(),
    };

    public static IReadOnlyCollection<string> Names => Steps.Keys;

    public static IComputedModel Get(string name) =>
        Steps.TryGetValue(name, out var step) ? step : throw new WarehouseException($"Unknown computed_by step '{name}' (known: {string.Join(", ", Steps.Keys)}).");
}
