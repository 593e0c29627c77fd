namespace GtmMart.Warehouse.Models;

/// <summary>
/// One SQL model: <c>sql/&lt;layer&gt;/&lt;name&gt;.sql</c>, materialized as table <c>&lt;layer&gt;.&lt;name&gt;</c>; or a
/// seed, <c>sql/seeds/&lt;name&gt;.csv</c> (<see cref="Seed"/> set, no SQL), loaded as table <c>seeds.&lt;name&gt;</c>.
/// </summary>
public sealed record Model(string Layer, string Name, string Path, string Sql, IReadOnlyList<string> References, Seed? Seed = null)
{
    /// <summary>How the model is rebuilt incrementally (<c>incremental:</c> in its <c>_models.yml</c>); null: always whole.</summary>
    public Building.IncrementalSpec? Incremental { get; init; }

    /// <summary>The C# build step that computes the table from the model's SQL (<c>computed_by:</c>); null: the SQL is the model.</summary>
    public string? ComputedBy { get; init; }

    public string QualifiedName => $"{Layer}.{Name}";

    /// <summary>Staging models are light renames over raw tables, so (as in dbt) they are views; the rest are tables.</summary>
    public bool IsView => Layer == "staging" && Seed is null;

    /// <summary>References to other models (not to raw sources).</summary>
    public IEnumerable<string> ModelReferences => References.Where(r => !r.StartsWith("raw.", StringComparison.Ordinal));
}
