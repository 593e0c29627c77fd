namespace GtmMart.Scoring.Icp;

/// <summary>
/// Readable profile of one segment, computed from its training members.
/// </summary>
/// <param name="SegmentId">1-based id, largest segment first.</param>
/// <param name="Name">Generated name from what sets the segment apart: the size, industry and region most over-represented in it (e.g. "Mid-market Software, Europe"; "all industries" when none stands out).</param>
/// <param name="Accounts">Training accounts in the segment.</param>
/// <param name="DominantEmployeeBand">Most frequent employee band ("Unknown" when none is known).</param>
/// <param name="TopIndustry">Most frequent industry.</param>
/// <param name="TopRegion">Most frequent region.</param>
/// <param name="ClosedOpportunities">Closed (won + lost) opportunities of its accounts.</param>
/// <param name="WinRate">Won / closed opportunities of its accounts; null without closed opportunities.</param>
/// <param name="AverageWonDealUsd">Won revenue / won opportunities; null without won opportunities.</param>
/// <param name="AverageFitScore">Mean fit score of its accounts.</param>
/// <param name="AverageBehaviourScore">Mean behaviour score of its accounts.</param>
public sealed record IcpSegmentProfile(
    int SegmentId,
    string Name,
    int Accounts,
    string DominantEmployeeBand,
    string TopIndustry,
    string TopRegion,
    double ClosedOpportunities,
    double? WinRate,
    double? AverageWonDealUsd,
    double AverageFitScore,
    double AverageBehaviourScore);
