using GtmMart.Serving;

namespace GtmMart.Server.Services;

/// <summary>A consistent view for one call: the models, the feature snapshot and their score cache, taken once at the start.</summary>
public sealed record ServingSnapshot(ModelSet Models, FeatureStore Features, ScoreCache Scores);

/// <summary>The server's shared state plus its limits, as the services see them.</summary>
public sealed class ServingAccess(ServingState state, ServerOptions options)
{
    private ScoreCache? cache;

    public ServingState State { get; } = state;

    public int MaxIdsPerRequest { get; } = options.MaxIdsPerRequest;

    /// <summary>
    /// Most scores kept per models-and-features pair (0 turns the cache off, keeping what it holds for when it is turned
    /// on again). Settable so the serving benchmark can measure the uncached path on the same server; a new capacity
    /// applies from the next models-and-features pair.
    /// </summary>
    public int ScoreCacheCapacity { get; set; } = options.ScoreCacheCapacity;

    /// <summary>The current models and features; UNAVAILABLE while they are not loaded.</summary>
    public ServingSnapshot Snapshot()
    {
        if (!State.Ready || State.Models.Current is not { } models || State.Features is not { } features)
        {
            throw RpcErrors.Unavailable("the server is still loading its features and models; retry shortly");
        }

        return new ServingSnapshot(models, features, CacheFor(models, features));
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
