namespace GtmMart.Scoring.Icp;

/// <summary>
/// ICP score of one account. Fit (who they are: firmographics only) and behaviour (what they do: recent engagement)
/// are kept apart, as MadKudu / 6sense do.
/// </summary>
/// <param name="AccountId">The account.</param>
/// <param name="FitScore">0-100 fit score from firmographics only (50 = typical odds; see <see cref="IcpTierThresholds"/>).</param>
/// <param name="FitProbability">Calibrated probability, from firmographics only, that an account with a closed deal is a customer.</param>
/// <param name="Tier">A/B/C/D from <paramref name="FitScore"/>.</param>
/// <param name="SegmentId">1-based segment (KMeans cluster, numbered by size, largest first).</param>
/// <param name="SegmentName">Readable segment name, e.g. "Mid-market Software, Europe".</param>
/// <param name="BehaviourScore">0-100 engagement score: percentile of the account's engagement index among the training accounts.</param>
/// <param name="Reasons">Up to three phrased reasons behind the fit score, strongest first.</param>
public sealed record AccountScore(
    string AccountId,
    double FitScore,
    double FitProbability,
    IcpTier Tier,
    int SegmentId,
    string SegmentName,
    double BehaviourScore,
    IReadOnlyList<string> Reasons);

/// <summary>A firmographic value the fit model did not know (see <see cref="IcpScorer.UnknownValues"/>).</summary>
/// <param name="Feature">The mart column, e.g. "industry".</param>
/// <param name="Value">The value as given ("" when none).</param>
/// <param name="Text">In words, e.g. "Unknown industry 'Aerospace'", "Employee count not given".</param>
public sealed record IcpUnknownValue(string Feature, string Value, string Text);
