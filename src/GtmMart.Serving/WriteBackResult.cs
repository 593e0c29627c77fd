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
    string IcpModelVersion);
