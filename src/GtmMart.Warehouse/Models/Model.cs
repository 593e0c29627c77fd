namespace GtmMart.Warehouse.Models;

/// <summary>One SQL model: <c>sql/&lt;layer&gt;/&lt;name&gt;.sql</c>, materialized as table <c>&lt;layer&gt;.&lt;name&gt;</c>.</summary>
public sealed record Model(string Layer, string Name, string Path, string Sql, IReadOnlyList<string> References)
{
    public string QualifiedName => $"{Layer}.{Name}";

    /// <summary>References to other models (not to raw sources).</summary>
    public IEnumerable<string> ModelReferences => References.Where(r => !r.StartsWith("raw.", StringComparison.Ordinal));
}
