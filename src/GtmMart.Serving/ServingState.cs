using GtmMart.Scoring.Registry;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Serving;

/// <summary>
/// What a scoring server holds: the model holder and the current feature snapshot. <see cref="Ready"/> (for health
/// checks) is true once both models and features are loaded. Both are swapped atomically, so readers take
/// <see cref="ModelHolder.Current"/> and <see cref="Features"/> once per request.
/// </summary>
/// <remarks>
/// DuckDB lets one process write a database file at a time. The server never keeps a connection open: it opens one
/// only for the duration of a feature load or a score write-back and closes it after, so the file lock is held
/// briefly. A <c>gtm score</c> (or build) started while the server is loading or writing fails fast with the lock
/// message; while the server runs, write back through the server's write-back call rather than <c>gtm score</c>.
/// </remarks>
public sealed class ServingState
{
    private FeatureStore? features;

    public ServingState(IWarehouse warehouse, ModelRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(registry);
        Warehouse = warehouse;
        Models = new ModelHolder(registry);
    }

    public IWarehouse Warehouse { get; }

    public ModelHolder Models { get; }

    /// <summary>The current feature snapshot, or null before the first successful load.</summary>
    public FeatureStore? Features => Volatile.Read(ref features);

    public bool Ready => Models.Current is not null && Features is not null;

    /// <summary>Loads the active models and the published features (models first; either failing throws).</summary>
    public void Load()
    {
        Models.Reload();
        RefreshFeatures();
    }

    /// <summary>Reads the published feature marts again and swaps the snapshot; on failure the old one stays.</summary>
    public FeatureStore RefreshFeatures()
    {
        var loaded = FeatureStore.Load(Warehouse);
        Interlocked.Exchange(ref features, loaded);
        return loaded;
    }
}
