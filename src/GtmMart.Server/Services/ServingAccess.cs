using GtmMart.Serving;

namespace GtmMart.Server.Services;

/// <summary>A consistent view for one call: the models and the feature snapshot, taken once at the start.</summary>
public sealed record ServingSnapshot(ModelSet Models, FeatureStore Features);

/// <summary>The server's shared state plus its limits, as the services see them.</summary>
public sealed class ServingAccess(ServingState state, ServerOptions options)
{
    public ServingState State { get; } = state;

    public int MaxIdsPerRequest { get; } = options.MaxIdsPerRequest;

    /// <summary>The current models and features; UNAVAILABLE while they are not loaded.</summary>
    public ServingSnapshot Snapshot()
    {
        if (!State.Ready || State.Models.Current is not { } models || State.Features is not { } features)
        {
            throw RpcErrors.Unavailable("the server is still loading its features and models; retry shortly");
        }

        return new ServingSnapshot(models, features);
    }
}
