using GtmMart.Contracts.V1;
using GtmMart.Serving;
using Microsoft.Extensions.Logging;

namespace GtmMart.Server.Services;

/// <summary>
/// A consistent view for one call: the models, the feature snapshot and their score cache, taken once at the start,
/// and the model references every score of these models carries (made once per view and shared by the answers, like
/// the cached scores: not to be modified).
/// </summary>
public sealed record ServingSnapshot(ModelSet Models, FeatureStore Features, ScoreCache Scores)
{
    private readonly Lazy<PriorityRanking> priorityRanking =
        new(() => PriorityRanking.Rank(Models, Features), LazyThreadSafetyMode.ExecutionAndPublication);

    public ModelRef OpportunityModel { get; } = ProtoMapping.OpportunityModel(Models);

    public ModelRef IcpModel { get; } = ProtoMapping.IcpModel(Models);

    /// <summary>The published build the features were read from (0 when unknown).</summary>
    public long BuildId => Features.BuildId ?? 0;

    /// <summary>The opportunity scorer (a model or the baseline); FAILED_PRECONDITION when there is neither.</summary>
    public GtmMart.Scoring.Opportunity.IOpportunityScorer Opportunity =>
        Models.HasOpportunity ? Models.Opportunity : throw RpcErrors.FailedPrecondition("no opportunity scores: " + Models.MissingOpportunity);

    /// <summary>The ICP scorer; FAILED_PRECONDITION when there is none.</summary>
    public GtmMart.Scoring.Icp.IcpScorer Icp =>
        Models.HasIcp ? Models.Icp : throw RpcErrors.FailedPrecondition("no account scores: " + Models.MissingIcp);

    /// <summary>
    /// The priority-accounts ranking of these models and features, computed by the first call that asks and shared
    /// (not to be modified) by every call on this view; a new view (other models, features or cache) ranks again.
    /// Needs both scorers (check <see cref="Opportunity"/> and <see cref="Icp"/> first).
    /// </summary>
    public IReadOnlyList<PriorityAccount> PriorityAccounts => PriorityRanking.Accounts;

    /// <summary>The same ranking with what filters and page tokens need (owners, regions, its key, when it was made).</summary>
    internal PriorityRanking PriorityRanking => priorityRanking.Value;

    /// <summary>Whether this view is of exactly these models, features and cache.</summary>
    public bool IsOf(ModelSet models, FeatureStore features, ScoreCache scores) =>
        ReferenceEquals(Models, models) && ReferenceEquals(Features, features) && ReferenceEquals(Scores, scores);
}

/// <summary>The server's shared state plus its limits, as the services see them.</summary>
public sealed partial class ServingAccess(ServingState state, ServerOptions options, Telemetry.ServerMetrics metrics, ILogger<ServingAccess> logger)
{
    private ScoreCache? cache;
    private ServingSnapshot? last;

    public ServingState State { get; } = state;

    /// <summary>Where scores served and cache hits are counted.</summary>
    public Telemetry.ServerMetrics Metrics { get; } = metrics;

    public int MaxIdsPerRequest { get; } = options.MaxIdsPerRequest;

    /// <summary>Most scores kept per models-and-features pair (0: no cache, every call runs the model): <c>gtm serve --score-cache</c>.</summary>
    public int ScoreCacheCapacity { get; } = options.ScoreCacheCapacity;

    /// <summary>Whether a new models-and-features pair's cache is filled in the background (<see cref="ScoreCache.Fill"/>).</summary>
    public bool PrefillScores { get; } = options.PrefillScores;

    /// <summary>The background fill of the current cache, if one was started (awaited by tests and the serving benchmark).</summary>
    public Task Filling { get; private set; } = Task.CompletedTask;

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

    /// <summary>
    /// Takes the view of models and features just published (a load, a reload, a feature refresh), so that its score
    /// cache starts filling now rather than at the next call. Does nothing while they are not loaded.
    /// </summary>
    public void Publish()
    {
        if (State.Ready)
        {
            _ = Snapshot();
        }
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
        if (ReferenceEquals(stored, current))
        {
            StartFill(fresh);
            return fresh;
        }

        return stored is not null && stored.IsFor(models, features) ? stored : fresh;
    }

    /// <summary>Fills the cache just published on a pool thread, until it is full or replaced; calls never wait for it.</summary>
    private void StartFill(ScoreCache fresh)
    {
        if (!PrefillScores)
        {
            return;
        }

        Filling = Task.Run(() =>
        {
            var started = Environment.TickCount64;
            try
            {
                fresh.Fill(() => ReferenceEquals(Volatile.Read(ref cache), fresh));
                LogFilled(logger, fresh.Count, Environment.TickCount64 - started);
            }
            catch (Exception ex)
            {
                // Requests still score on demand; the failure is reported, and the task carries it for whoever awaits it.
                LogFillFailed(logger, ex, fresh.Count);
                throw;
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "score cache: {Count} scores of known ids filled in {Milliseconds} ms")]
    private static partial void LogFilled(ILogger logger, int count, long milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "score cache: filling stopped after {Count} scores; requests score on demand")]
    private static partial void LogFillFailed(ILogger logger, Exception exception, int count);
}
