using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using GtmMart.Contracts.V1;
using GtmMart.Serving;

namespace GtmMart.Server.Services;

/// <summary>One ranked account and the owners of its open opportunities (for the owner filter).</summary>
internal sealed record PriorityEntry(PriorityAccount Account, IReadOnlySet<string> Owners);

/// <summary>The priority ranking of one serving snapshot (<see cref="ServingSnapshot.PriorityRanking"/>): its entries in order, the regions accounts have, its key (page tokens name it) and when it was made.</summary>
internal sealed record PriorityRanking(IReadOnlyList<PriorityEntry> Entries, IReadOnlyList<string> Regions, string Key, Timestamp RankedAt)
{
    /// <summary>The ranked accounts alone, in order (one list, shared by every call on the snapshot).</summary>
    public IReadOnlyList<PriorityAccount> Accounts { get; } = [.. Entries.Select(e => e.Account)];

    /// <summary>
    /// fit_score / 100 × open pipeline × best open-opportunity win probability: the formula of the dashboard's
    /// <c>sql/reports/priority_accounts.sql</c> (<c>fit_score * 0.01 * open_pipeline_usd * probability</c>); a test
    /// compares the two rankings on the same scores.
    /// </summary>
    public static double Priority(double fitScore, double openPipelineUsd, double bestWinProbability) =>
        fitScore / 100.0 * openPipelineUsd * bestWinProbability;

    /// <summary>
    /// Accounts with open pipeline, by fit_score / 100 × open pipeline × best open-opportunity win probability (ties by
    /// account id): computed once per serving snapshot.
    /// </summary>
    public static PriorityRanking Rank(ModelSet models, FeatureStore features)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(features);

        // Each probability is the opportunity's score's (the double ScoreOpportunities sends for it).
        var open = features.OpenOpportunities;
        var scores = open.Select(models.Opportunity.Score).ToList();
        var best = new Dictionary<string, (string Id, double Probability)>(StringComparer.Ordinal);
        var owners = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var openCount = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < open.Count; i++)
        {
            var account = open[i].AccountId;
            var p = scores[i].Probability;
            if (double.IsFinite(p) && (!best.TryGetValue(account, out var seen) || p > seen.Probability))
            {
                best[account] = (open[i].OpportunityId, p);
            }

            (owners.TryGetValue(account, out var set) ? set : owners[account] = new(StringComparer.Ordinal)).Add(open[i]["owner_id"].Text);
            openCount[account] = openCount.GetValueOrDefault(account) + 1;
        }

        var candidates = features.Accounts.Where(a => best.ContainsKey(a.AccountId)).ToList();
        var icp = models.Icp.ScoreBatch(candidates);
        var entries = candidates.Zip(icp, (row, score) =>
            {
                var (opportunityId, probability) = best[row.AccountId];
                var cents = features.OpenPipelineUsdCents(row.AccountId);
                var account = new PriorityAccount
                {
                    AccountId = row.AccountId,
                    AccountName = row.AccountName,
                    FitScore = score.FitScore,
                    Tier = ProtoMapping.ToProto(score.Tier),
                    OpenPipelineUsdCents = cents,
                    BestWinProbability = probability,
                    BestOpportunityId = opportunityId,
                    Priority = Priority(score.FitScore, cents / 100.0, probability),
                    Region = row.Region,
                    OpenOpportunities = openCount[row.AccountId],
                };
                return new PriorityEntry(account, owners[row.AccountId]);
            })
            .OrderByDescending(e => e.Account.Priority)
            .ThenBy(e => e.Account.AccountId, StringComparer.Ordinal)
            .ToList();
        var key = $"{models.OpportunityVersion}/{models.IcpVersion}/{features.BuildId}/{features.LoadedAtUtc.Ticks}";
        var regions = features.Accounts.Select(a => a.Region).Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new PriorityRanking(entries, regions, key, ProtoMapping.Now());
    }
}

/// <summary>The filters of a priority-accounts request (tiers sorted and distinct, region as the data spells it).</summary>
internal sealed record PriorityFilter(IReadOnlyList<IcpTier> Tiers, string? Region, string? Owner)
{
    public string Key => $"{string.Join(",", Tiers.Select(t => (int)t))}|{Region}|{Owner}";

    public bool Matches(PriorityEntry entry) =>
        (Tiers.Count == 0 || Tiers.Contains(entry.Account.Tier))
        && (Region is null || entry.Account.Region == Region)
        && (Owner is null || entry.Owners.Contains(Owner));
}
