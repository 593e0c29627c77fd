namespace GtmMart.Warehouse.Loading;

/// <summary>What one file contributed: every record read is either loaded or rejected.</summary>
public sealed record SourceLoadResult(string Source, string? File, long Read, long Loaded, long Rejected)
{
    public bool Present => File is not null;
}

public sealed record LoadReport(long LoadId, IReadOnlyList<SourceLoadResult> Sources)
{
    public long Read => Sources.Sum(s => s.Read);

    public long Loaded => Sources.Sum(s => s.Loaded);

    public long Rejected => Sources.Sum(s => s.Rejected);
}
