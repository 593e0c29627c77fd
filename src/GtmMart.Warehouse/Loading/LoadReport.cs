namespace GtmMart.Warehouse.Loading;

/// <summary>
/// What one file contributed: every record read is either loaded or rejected. <paramref name="Replaced"/> counts
/// loaded records (of an appending load) that replaced a record with the same key loaded before.
/// </summary>
public sealed record SourceLoadResult(string Source, string? File, long Read, long Loaded, long Rejected, long Replaced = 0)
{
    public bool Present => File is not null;
}

public sealed record LoadReport(long LoadId, IReadOnlyList<SourceLoadResult> Sources)
{
    /// <summary>What the load's snapshot did to <c>history.opportunity_snapshots</c>: current rows closed, rows opened.</summary>
    public (int Closed, int Opened) History { get; init; }

    public long Read => Sources.Sum(s => s.Read);

    public long Loaded => Sources.Sum(s => s.Loaded);

    public long Rejected => Sources.Sum(s => s.Rejected);
}
