using GtmMart.Scoring.Registry;

namespace GtmMart.Serving;

/// <summary>
/// Holds the model set requests use and swaps it atomically. Readers take <see cref="Current"/> once per request and
/// use that set throughout; <see cref="Reload"/> loads the registry's active versions and swaps the reference with
/// <see cref="Interlocked.Exchange{T}(ref T, T)"/>, so a request sees either the old pair or the new pair, never a mix.
/// </summary>
/// <remarks>
/// A replaced set is deliberately never disposed here: a request that took it before the swap may still be scoring
/// with it, and its only unmanaged-looking state (the opportunity scorer's pooled prediction engines) is managed
/// memory that the garbage collector reclaims once the last request drops the reference. Reloads are rare (promote,
/// rollback), so the cost is one model pair's memory until the next collection. Dispose a set yourself only when
/// nothing can use it any more (e.g. at shutdown, <c>Current?.Dispose()</c>).
/// </remarks>
public sealed class ModelHolder
{
    private readonly Lock reloadLock = new();
    private ModelSet? current;

    public ModelHolder(ModelRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Registry = registry;
    }

    public ModelRegistry Registry { get; }

    /// <summary>The set to use for one request, or null before the first successful <see cref="Reload"/>.</summary>
    public ModelSet? Current => Volatile.Read(ref current);

    /// <summary>
    /// Loads the active versions and makes them current. When loading fails the current set stays in place and the
    /// error is thrown. Concurrent reloads run one after the other.
    /// </summary>
    public ModelSet Reload()
    {
        lock (reloadLock)
        {
            var loaded = ModelSet.LoadActive(Registry);
            Interlocked.Exchange(ref current, loaded);
            return loaded;
        }
    }
}
