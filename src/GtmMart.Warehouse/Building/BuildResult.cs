using GtmMart.Warehouse.Testing;

namespace GtmMart.Warehouse.Building;

public sealed record BuildResult(long BuildId, bool Published, IReadOnlyList<ModelRun> Models, IReadOnlyList<DataTestResult> Tests, TimeSpan TestTime)
{
    /// <summary>Raw values no mapping seed names (kept in <c>gtm_meta.unmapped_values</c> under this build).</summary>
    public IReadOnlyList<Models.UnmappedValue> Unmapped { get; init; } = [];

    /// <summary>How the build ran: <c>full</c>, or <c>incremental: N of M days rebuilt ...</c>.</summary>
    public string Mode { get; init; } = "full";

    /// <summary>Every step of the build and its time, in the order they ran (see <see cref="BuildTimings"/>).</summary>
    public IReadOnlyList<BuildStep> Timings { get; init; } = [];

    public TimeSpan ModelTime => TimeSpan.FromTicks(Models.Sum(m => m.Elapsed.Ticks));

    public IEnumerable<DataTestResult> Failures => Tests.Where(t => !t.Passed);
}

public sealed record ModelRun(string Model, long Rows, TimeSpan Elapsed)
{
    /// <summary>How many statements a batched full refresh wrote the table in (<c>incremental.batch</c>); 0: one statement.</summary>
    public int Batches { get; init; }
}

public sealed record BuildProgress(string Step, string Detail, int Done, int Total);
