using System.Diagnostics.Metrics;
using GtmMart.Scoring.Registry;
using GtmMart.Server.Telemetry;
using GtmMart.Serving;
using GtmMart.Warehouse.Connection;
using Microsoft.Extensions.DependencyInjection;

namespace GtmMart.Tests.Grpc;

/// <summary>
/// The scores-served and score-cache counters, counted per call with interlocked adds and read as observable counters:
/// every series with exactly what was counted in it, under its own labels, and no series before anything was counted.
/// </summary>
public sealed class ServerMetricsTests
{
    [Fact]
    public void Counts_each_kind_and_source_in_its_own_series_and_reports_only_series_counted()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var folder = Path.Combine(Path.GetTempPath(), "gtm-metrics-" + Guid.NewGuid().ToString("N"));
        var meters = services.GetRequiredService<IMeterFactory>();
        using var metrics = new ServerMetrics(meters,
            new ServingState(new DuckDbWarehouse(Path.Combine(folder, "w.duckdb")), new ModelRegistry(folder)));

        Assert.Empty(Read(meters));

        metrics.Served(ScoreKind.Opportunity, ScoreSource.ById, 3);
        metrics.Served(ScoreKind.Opportunity, ScoreSource.ById, 2);
        metrics.Served(ScoreKind.Opportunity, ScoreSource.Inline, 1);
        metrics.Served(ScoreKind.Account, ScoreSource.ById, 4);
        metrics.Served(ScoreKind.Account, ScoreSource.Inline, 0);
        metrics.Cache(ScoreKind.Opportunity, 2, 3);
        metrics.Cache(ScoreKind.Account, 0, 4);

        Assert.Equal(
            new SortedDictionary<string, long>(StringComparer.Ordinal)
            {
                ["gtm.score_cache.hits kind=opportunity"] = 2,
                ["gtm.score_cache.misses kind=account"] = 4,
                ["gtm.score_cache.misses kind=opportunity"] = 3,
                ["gtm.scores.served kind=account source=by_id"] = 4,
                ["gtm.scores.served kind=opportunity source=by_id"] = 5,
                ["gtm.scores.served kind=opportunity source=inline"] = 1,
            },
            Read(meters));
        Assert.False(Directory.Exists(folder));
    }

    /// <summary>
    /// The counters of the meters <paramref name="meters"/> made (not those of servers other tests run meanwhile), as a
    /// listener reads them: "name label=value ..." to the value.
    /// </summary>
    private static SortedDictionary<string, long> Read(IMeterFactory meters)
    {
        var read = new SortedDictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Meter.Name == ServerMetrics.MeterName && instrument is ObservableCounter<long>)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var labels = string.Concat(tags.ToArray().Select(t => $" {t.Key}={t.Value}"));
            read[instrument.Name + labels] = value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return read;
    }
}
