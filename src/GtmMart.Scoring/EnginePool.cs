using System.Collections.Concurrent;
using Microsoft.ML;

namespace GtmMart.Scoring;

/// <summary>
/// A pool of ML.NET prediction engines over one model. A <see cref="PredictionEngine{TSrc,TDst}"/> is not
/// thread-safe but is cheap per row once built, so each caller rents one, predicts, and returns it; the pool grows to
/// the number of concurrent callers and no further.
/// </summary>
internal sealed class EnginePool<TIn, TOut>(Func<PredictionEngine<TIn, TOut>> create) : IDisposable
    where TIn : class
    where TOut : class, new()
{
    private readonly ConcurrentBag<PredictionEngine<TIn, TOut>> _engines = [];
    private bool _disposed;

    /// <summary>Predicts one row with a rented engine.</summary>
    public TOut Predict(TIn row)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_engines.TryTake(out var engine))
        {
            engine = create();
        }

        try
        {
            // A fresh output object per call: the caller keeps it after the engine goes back to the pool.
            var output = new TOut();
            engine.Predict(row, ref output);
            return output;
        }
        finally
        {
            _engines.Add(engine);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_engines.TryTake(out var engine))
        {
            engine.Dispose();
        }
    }
}
