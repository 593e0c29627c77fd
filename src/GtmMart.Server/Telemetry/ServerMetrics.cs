using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using GtmMart.Serving;

namespace GtmMart.Server.Telemetry;

/// <summary>
/// The server's OpenTelemetry metrics (meter <see cref="MeterName"/>), exported in Prometheus text at <c>/metrics</c>:
/// call duration by method and status, scores served, score cache hits and misses, and the model versions served.
/// Names follow the OpenTelemetry semantic conventions where one exists (<c>rpc.server.call.duration</c>); Prometheus
/// shows dots as underscores and adds the unit (<c>rpc_server_call_duration_seconds</c>). docs/SERVING.md lists them.
/// </summary>
public sealed class ServerMetrics : IDisposable
{
    public const string MeterName = "GtmMart.Server";
    public const string CallDuration = "rpc.server.call.duration";
    public const string ScoresServed = "gtm.scores.served";
    public const string CacheHits = "gtm.score_cache.hits";
    public const string CacheMisses = "gtm.score_cache.misses";
    public const string ActiveModels = "gtm.models.active";

    private readonly Meter meter;
    private readonly Histogram<double> callDuration;

    /// <summary>
    /// Scores served, cache hits and misses, counted per call with one interlocked add each (no tag lookup on the
    /// call's path) and reported as observable counters when the metrics are read: the same counters, names, units and
    /// labels as adding to a <see cref="Counter{T}"/> on each call, without its cost on every scoring call.
    /// </summary>
    private readonly long[] served = new long[ServedSeries.Length];
    private readonly long[] hits = new long[Kinds.Length];
    private readonly long[] misses = new long[Kinds.Length];

    /// <summary>The kinds of score, in the order of <see cref="hits"/> and <see cref="misses"/>.</summary>
    private static readonly string[] Kinds = ["opportunity", "account"];

    /// <summary>The (kind, source) series of <see cref="ScoresServed"/>, in the order of <see cref="served"/>.</summary>
    private static readonly (string Kind, string Source)[] ServedSeries =
        [("opportunity", "by_id"), ("account", "by_id"), ("opportunity", "inline"), ("account", "inline")];

    public ServerMetrics(IMeterFactory meters, ServingState state)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(state);
        meter = meters.Create(MeterName);
        callDuration = meter.CreateHistogram(CallDuration, "s", "Duration of gtm.v1 and health calls, gRPC and REST, by method and final status (rejections included)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        meter.CreateObservableCounter(ScoresServed, () => Counted(served, i => [new("kind", ServedSeries[i].Kind), new("source", ServedSeries[i].Source)]),
            "{score}", "Scores answered, by kind (opportunity, account) and source (by_id, inline)");
        meter.CreateObservableCounter(CacheHits, () => Counted(hits, i => [new("kind", Kinds[i])]), "{score}", "Scores of known ids answered from the score cache");
        meter.CreateObservableCounter(CacheMisses, () => Counted(misses, i => [new("kind", Kinds[i])]), "{score}", "Scores of known ids computed because the cache did not hold them");
        meter.CreateObservableGauge(ActiveModels, () => Served(state), "{version}", "1 for each model version the server serves now (labels: model, version, kind)");
    }

    public void RecordCall(string service, string method, StatusCode status, bool grpc, TimeSpan elapsed)
    {
        if (!callDuration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "rpc.system", "grpc" },
            { "rpc.service", service },
            { "rpc.method", method },
            { "rpc.grpc.status_code", (int)status },
            { "gtm.transport", grpc ? "grpc" : "http" },
        };
        callDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>Counts <paramref name="count"/> scores of one kind answered by one call (once per call, not per id).</summary>
    public void Served(ScoreKind kind, ScoreSource source, int count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref served[((int)source * Kinds.Length) + (int)kind], count);
        }
    }

    /// <summary>Counts one call's cache hits and misses among known ids.</summary>
    public void Cache(ScoreKind kind, int cacheHits, int cacheMisses)
    {
        if (cacheHits > 0)
        {
            Interlocked.Add(ref hits[(int)kind], cacheHits);
        }

        if (cacheMisses > 0)
        {
            Interlocked.Add(ref misses[(int)kind], cacheMisses);
        }
    }

    /// <summary>The series counted so far (a series appears once something was counted in it, as with a counter).</summary>
    private static IEnumerable<Measurement<long>> Counted(long[] counts, Func<int, KeyValuePair<string, object?>[]> tags)
    {
        for (var i = 0; i < counts.Length; i++)
        {
            if (Volatile.Read(ref counts[i]) is > 0 and var value)
            {
                yield return new Measurement<long>(value, tags(i));
            }
        }
    }

    private static IEnumerable<Measurement<int>> Served(ServingState state)
    {
        if (state.Models.Current is not { } models)
        {
            yield break;
        }

        yield return Model(models.OpportunityModel, models.OpportunityVersion, models.OpportunityCard);
        yield return Model(models.IcpModel, models.IcpVersion, models.IcpCard);
    }

    private static Measurement<int> Model(string name, string version, GtmMart.Scoring.Registry.ModelCard? card) =>
        new(1, new KeyValuePair<string, object?>("model", name), new KeyValuePair<string, object?>("version", version),
            new KeyValuePair<string, object?>("kind", card is null ? "none" : card.Kind.ToString().ToLowerInvariant()));

    public void Dispose() => meter.Dispose();
}

/// <summary>The kind of score a metric counts (its <c>kind</c> label).</summary>
public enum ScoreKind
{
    Opportunity,
    Account,
}

/// <summary>Where a served score's features came from (its <c>source</c> label): a known id, or the request itself.</summary>
public enum ScoreSource
{
    ById,
    Inline,
}
