using GtmMart.Contracts.V1;
using GtmMart.Serving;

namespace GtmMart.Server.Services;

/// <summary>
/// A consistent view for one call: the models, the feature snapshot and their score cache, taken once at the start,
/// and the model references every score of these models carries (made once per view and shared by the answers, like
/// the cached scores: not to be modified).
/// </summary>
public sealed record ServingSnapshot(ModelSet Models, FeatureStore Features, ScoreCache Scores)
{
    public ModelRef OpportunityModel { get; } = ProtoMapping.OpportunityModel(Models);

    public ModelRef IcpModel { get; } = ProtoMapping.IcpModel(Models);

    /// <summary>Whether this view is of exactly these models, features and cache.</summary>
    public bool IsOf(ModelSet models, FeatureStore features, ScoreCache scores) =>
        ReferenceEquals(Models, models) && ReferenceEquals(Features, features) && ReferenceEquals(Scores, scores);
}

/// <summary>The server's shared state plus its limits, as the services see them.</summary>
public sealed class ServingAccess(ServingState state, ServerOptions options)
{
    private ScoreCache? cache;
    private ServingSnapshot? last;

    public ServingState State { get; } = state;

    public int MaxIdsPerRequest { get; } = options.MaxIdsPerRequest;

    /// <summary>
    /// Most scores kept per models-and-features pair (0 turns the cache off, keeping what it holds for when it is turned
    /// on again). Settable so the serving benchmark can measure the uncached path on the same server; a new capacity
    /// applies from the next models-and-features pair.
    /// </summary>
    public int ScoreCacheCapacity { get; set; } = options.ScoreCacheCapacity;

    /// <summary>
    /// The current models and features; UNAVAILABLE while they are not loaded. The same view is handed to every call
    /// until the models, the features or the cache change.
    /// </summary>
    public ServingSnapshot Snapshot()
    {
        if (!State.Ready || State.Models.Current is not { } models || State.Features is not { } features)
        {
            throw RpcErrors.Unavailable("the server is still loading its features and models; retry shortly");
        }

        var scores = CacheFor(models, features);
        var current = Volatile.Read(ref last);
        if (current is not null && current.IsOf(models, features, scores))
        {
            return current;
        }

        var fresh = new ServingSnapshot(models, features, scores);
        Volatile.Write(ref last, fresh);
        return fresh;
    }

    private ScoreCache CacheFor(ModelSet models, FeatureStore features)
    {
        var capacity = ScoreCacheCapacity;
        if (capacity <= 0)
        {
            return ScoreCache.None;
        }

        var current = Volatile.Read(ref cache);
        if (current is not null && current.IsFor(models, features))
        {
            return current;
        }

        // A new pair: start an empty cache. If another call raced us, use whichever got stored when it is for the
        // same pair, else this one for this call only.
        var fresh = new ScoreCache(models, features, capacity);
        var stored = Interlocked.CompareExchange(ref cache, fresh, current);
        return ReferenceEquals(stored, current) ? fresh
            : stored is not null && stored.IsFor(models, features) ? stored
            : fresh;
    }
}
