namespace GtmMart.Serving;

/// <summary>
/// What one score write-back did. <paramref name="AlreadyWritten"/> is true when a run with this id had already been
/// committed: nothing was written and the figures are those of the earlier run.
/// </summary>
public sealed record WriteBackResult(
    string RunId,
    long Opportunities,
    long Accounts,
    DateTime ScoredAtUtc,
    bool AlreadyWritten,
    string OpportunityModelVersion,
    string IcpModelVersion)
{
    /// <summary>Each step of the write phase with its wall time, in order (empty when nothing was written).</summary>
    public IReadOnlyList<WriteBackStep> Steps { get; init; } = [];

    /// <summary>Equal when the same run was written the same way; the step times are not part of what was written.</summary>
    public bool Equals(WriteBackResult? other) =>
        other is not null &&
        (RunId, Opportunities, Accounts, ScoredAtUtc, AlreadyWritten, OpportunityModelVersion, IcpModelVersion) ==
        (other.RunId, other.Opportunities, other.Accounts, other.ScoredAtUtc, other.AlreadyWritten, other.OpportunityModelVersion, other.IcpModelVersion);

    public override int GetHashCode() =>
        HashCode.Combine(RunId, Opportunities, Accounts, ScoredAtUtc, AlreadyWritten, OpportunityModelVersion, IcpModelVersion);
}

/// <summary>One step of a write-back's write phase: the seconds it took and the process's CPU seconds meanwhile.</summary>
public sealed record WriteBackStep(string Name, double Seconds, double CpuSeconds);
