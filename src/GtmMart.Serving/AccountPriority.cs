namespace GtmMart.Serving;

/// <summary>
/// The priority of an account, the one place its formula is written: fit_score / 100 × open pipeline (US dollars) ×
/// the best win probability among its open opportunities. The gRPC priority-accounts ranking (the server's
/// <c>PriorityRanking</c>) and the dashboard's priority accounts (<c>sql/reports/priority_accounts.sql</c> gives the
/// inputs per month and channel, the report ranks them with this) both use it; ties go by account id (ordinal).
/// </summary>
public static class AccountPriority
{
    public static double Of(double fitScore, long openPipelineUsdCents, double bestWinProbability) =>
        fitScore / 100.0 * (openPipelineUsdCents / 100.0) * bestWinProbability;

    /// <summary>Highest priority first, then by account id (ordinal), as both rankings order.</summary>
    public static IOrderedEnumerable<T> Ranked<T>(IEnumerable<T> items, Func<T, double> priority, Func<T, string> accountId) =>
        items.OrderByDescending(priority).ThenBy(accountId, StringComparer.Ordinal);
}
