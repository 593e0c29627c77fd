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
    private readonly Counter<long> scoresServed;
    private readonly Counter<long> cacheHits;
    private readonly Counter<long> cacheMisses;

    public ServerMetrics(IMeterFactory meters, ServingState state)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(state);
        meter = meters.Create(MeterName);
        callDuration = meter.CreateHistogram(CallDuration, "s", "Duration of gtm.v1 and health calls, gRPC and REST, by method and final status (rejections included)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        scoresServed = meter.CreateCounter<long>(ScoresServed, "{score}", "Scores answered, by kind (opportunity, account) and source (by_id, inline)");
        cacheHits = meter.CreateCounter<long>(CacheHits, "{score}", "Scores of known ids answered from the score cache");
        cacheMisses = meter.CreateCounter<long>(CacheMisses, "{score}", "Scores of known ids computed because the cache did not hold them");
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
    public void Served(string kind, string source, int count)
    {
        if (count > 0)
        {
            scoresServed.Add(count, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("source", source));
        }
    }

    /// <summary>Counts one call's cache hits and misses among known ids.</summary>
    public void Cache(string kind, int hits, int misses)
    {
        if (hits > 0)
        {
            cacheHits.Add(hits, new KeyValuePair<string, object?>("kind", kind));
        }

        if (misses > 0)
        {
            cacheMisses.Add(misses, new KeyValuePair<string, object?>("kind", kind));
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
