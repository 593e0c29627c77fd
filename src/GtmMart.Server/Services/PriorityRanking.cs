using GtmMart.Contracts.V1;
using GtmMart.Serving;

namespace GtmMart.Server.Services;

/// <summary>
/// The priority-accounts ranking the gRPC service serves, from the in-memory features and the served models: every
/// account with an open opportunity, by <see cref="Priority"/>. Computed once per serving snapshot
/// (<see cref="ServingSnapshot.PriorityAccounts"/>).
/// </summary>
internal static class PriorityRanking
{
    /// <summary>
    /// fit_score / 100 × open pipeline × best open-opportunity win probability: the formula of the dashboard's
    /// <c>sql/reports/priority_accounts.sql</c> (<c>fit_score * 0.01 * open_pipeline_usd * probability</c>); a test
    /// compares the two rankings on the same scores.
    /// </summary>
    public static double Priority(double fitScore, double openPipelineUsd, double bestWinProbability) =>
        fitScore / 100.0 * openPipelineUsd * bestWinProbability;

    /// <summary>Accounts with open pipeline, highest priority first, ties by account id.</summary>
    public static IReadOnlyList<PriorityAccount> Rank(ModelSet models, FeatureStore features)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(features);
        var open = features.OpenOpportunities;
        var probabilities = models.Opportunity.PredictProbabilities(open);
        var best = new Dictionary<string, (string Id, double Probability)>(StringComparer.Ordinal);
        for (var i = 0; i < open.Count; i++)
        {
            var p = probabilities[i];
            if (float.IsFinite(p) && (!best.TryGetValue(open[i].AccountId, out var seen) || p > seen.Probability))
            {
                best[open[i].AccountId] = (open[i].OpportunityId, p);
            }
        }

        var candidates = features.Accounts.Where(a => best.ContainsKey(a.AccountId)).ToList();
        var scores = models.Icp.ScoreBatch(candidates);
        return candidates.Zip(scores, (row, score) =>
            {
                var (opportunityId, probability) = best[row.AccountId];
                var pipeline = float.IsFinite(row.OpenPipelineUsd) ? row.OpenPipelineUsd : 0;
                return new PriorityAccount
                {
                    AccountId = row.AccountId,
                    AccountName = row.AccountName,
                    FitScore = score.FitScore,
                    Tier = score.Tier.ToString(),
                    OpenPipelineUsd = pipeline,
                    BestWinProbability = probability,
                    BestOpportunityId = opportunityId,
                    Priority = Priority(score.FitScore, pipeline, probability),
                };
            })
            .OrderByDescending(a => a.Priority)
            .ThenBy(a => a.AccountId, StringComparer.Ordinal)
            .ToList();
    }
}
