using System.Collections.Concurrent;
using GtmMart.Contracts.V1;
using GtmMart.Scoring.Features;
using GtmMart.Serving;

namespace GtmMart.Server.Services;

/// <summary>
/// Scores already computed for known ids, for one pair of served models and feature snapshot. A score of a known id
/// depends only on that pair, both immutable, so a repeated request (a CRM page showing the same deal again) is a
/// lookup. A new pair (model reload, feature refresh after a build or write-back) gets a new cache, which the server
/// fills in the background (<see cref="Fill"/>), and the old one goes with the old pair. Bounded: once
/// <see cref="Capacity"/> scores are held, further ones are computed and not kept. The cached messages are shared
/// between responses and must not be modified.
/// </summary>
public sealed class ScoreCache(ModelSet? models, FeatureStore? features, int capacity)
{
    /// <summary>Keeps nothing: every lookup misses and every add is dropped.</summary>
    public static readonly ScoreCache None = new(null, null, 0);

    private readonly ConcurrentDictionary<string, OpportunityScore> _opportunities = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AccountScore> _accounts = new(StringComparer.Ordinal);
    private int _count;

    public int Capacity { get; } = capacity;

    /// <summary>Scores held, opportunities and accounts together.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Whether this cache belongs to exactly these models and this feature snapshot.</summary>
    public bool IsFor(ModelSet currentModels, FeatureStore currentFeatures) =>
        models is not null && ReferenceEquals(models, currentModels) && ReferenceEquals(features, currentFeatures);

    /// <summary>The cached score of the id; a cache that keeps nothing (<see cref="None"/>, <c>--score-cache 0</c>) answers without hashing it.</summary>
    public bool TryGet(string opportunityId, out OpportunityScore score)
    {
        score = null!;
        return Capacity > 0 && _opportunities.TryGetValue(opportunityId, out score!);
    }

    /// <inheritdoc cref="TryGet"/>
    public bool TryGetAccount(string accountId, out AccountScore score)
    {
        score = null!;
        return Capacity > 0 && _accounts.TryGetValue(accountId, out score!);
    }

    /// <summary>
    /// Keeps the score when there is room, and returns the score this cache answers the id with from now on: this one,
    /// or the one a concurrent call or the background <see cref="Fill"/> kept first (the same probability, scored a few
    /// milliseconds apart), so that every answer for an id from one cache is the same message, scored_at included.
    /// </summary>
    public OpportunityScore Keep(OpportunityScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        return Keep(_opportunities, score.OpportunityId, score);
    }

    /// <inheritdoc cref="Keep(OpportunityScore)"/>
    public AccountScore Keep(AccountScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        return Keep(_accounts, score.AccountId, score);
    }

    private TScore Keep<TScore>(ConcurrentDictionary<string, TScore> held, string id, TScore score)
        where TScore : class
    {
        if (Capacity <= 0)
        {
            return score;
        }

        if (Reserve())
        {
            var kept = held.GetOrAdd(id, score);
            if (!ReferenceEquals(kept, score))
            {
                Interlocked.Decrement(ref _count);
            }

            return kept;
        }

        return held.TryGetValue(id, out var earlier) ? earlier : score;
    }

    /// <summary>Whether the cache holds as many scores as it may.</summary>
    public bool IsFull => Count >= Capacity;

    /// <summary>
    /// Scores every known id this cache has room for, meant to run in the background once a models-and-features pair is
    /// published, so that a request for a known id is a lookup from then on: the open opportunities first (what CRMs
    /// ask about), then the accounts, then the other opportunities. Ids already cached by requests are skipped. Stops
    /// when the cache is full or, checked before each id, <paramref name="stillServed"/> says the pair was replaced.
    /// </summary>
    public void Fill(Func<bool> stillServed)
    {
        ArgumentNullException.ThrowIfNull(stillServed);
        if (models is null || features is null)
        {
            return;
        }

        var opportunityModel = ProtoMapping.OpportunityModel(models);
        FillOpportunities(features.OpenOpportunities, opportunityModel, stillServed);
        var icpModel = ProtoMapping.IcpModel(models);
        foreach (var row in models.HasIcp ? features.Accounts : [])
        {
            if (IsFull || !stillServed())
            {
                return;
            }

            if (!TryGetAccount(row.AccountId, out _))
            {
                Keep(ProtoMapping.ToProto(models.Icp.Score(row), icpModel, features.BuildId ?? 0));
            }
        }

        FillOpportunities(features.Opportunities, opportunityModel, stillServed);
    }

    private void FillOpportunities(IReadOnlyList<OpportunityFeatureRow> rows, ModelRef model, Func<bool> stillServed)
    {
        foreach (var row in models!.HasOpportunity ? rows : [])
        {
            if (IsFull || !stillServed())
            {
                return;
            }

            if (!TryGet(row.OpportunityId, out _))
            {
                Keep(ProtoMapping.ToProto(models!.Opportunity.Score(row), model, features!.BuildId ?? 0, !row.IsClosed));
            }
        }
    }

    private bool Reserve()
    {
        if (Volatile.Read(ref _count) >= Capacity)
        {
            return false;
        }

        if (Interlocked.Increment(ref _count) <= Capacity)
        {
            return true;
        }

        Interlocked.Decrement(ref _count);
        return false;
    }
}
