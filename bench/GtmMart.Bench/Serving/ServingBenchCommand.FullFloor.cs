using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using GtmMart.Scoring.Icp;
using GtmMart.Scoring.Opportunity;
using GtmMart.Serving;
using GtmMart.Serving.Drift;
using Spectre.Console;

namespace GtmMart.Bench.Serving;

public sealed partial class ServingBenchCommand
{
    /// <summary>
    /// What the write phase must do beyond storing its rows (the floor of <see cref="MeasureFloor"/>), each part timed
    /// apart, one after the other on this thread with nothing beside it (wall and process CPU): every score's
    /// <c>top_factors</c> JSON made by the write-back's own chunk writer (<see cref="ScoreWriteBack.JsonChunk{T}"/>,
    /// opportunities then accounts, chunk by chunk into one buffer used again, as the write-back's few buffers are), the
    /// populations' drift compared by the write-back's own call (<see cref="ScoringDrift.Compare"/>), and, reported
    /// beside them, the factor rows made by its own chunk maker (<see cref="ScoreWriteBack.FactorChunk"/>). The scores
    /// are made again first, untimed, by the same models over the same rows (the write-back does not hand its own back).
    /// </summary>
    private static BeyondFloor MeasureBeyondFloor(ModelSet models, FeatureStore features)
    {
        IReadOnlyList<OpportunityScore> opportunities = models.HasOpportunity ? models.Opportunity.ScoreBatch(features.OpenOpportunities) : [];
        IReadOnlyList<AccountScore> accounts = models.HasIcp ? models.Icp.ScoreBatch(features.Accounts) : [];
        GC.Collect();
        GC.WaitForPendingFinalizers();

        long jsonBytes = 0;
        var buffer = new ArrayBufferWriter<byte>(ScoreWriteBack.ChunkRows * 512);
        void Json<T>(IReadOnlyList<T> scores, Action<FactorJsonWriter, T, IBufferWriter<byte>> json)
        {
            for (var first = 0; first < scores.Count; first += ScoreWriteBack.ChunkRows)
            {
                ScoreWriteBack.JsonChunk(scores, first, Math.Min(ScoreWriteBack.ChunkRows, scores.Count - first), json, buffer);
                jsonBytes += buffer.WrittenCount;
            }
        }

        var json = Timed(() =>
        {
            Json(opportunities, ScoreWriteBack.OpportunityJson);
            Json(accounts, ScoreWriteBack.AccountJson);
        });
        var driftColumns = 0;
        var drift = Timed(() => driftColumns = ScoringDrift.Compare(models, features, opportunities, accounts, null).Sum(d => d.Columns.Count));
        long factorRows = 0;
        var rows = new List<ScoreWriteBack.FactorRow>(ScoreWriteBack.ChunkRows * 6);
        var factors = Timed(() =>
        {
            for (var first = 0; first < opportunities.Count; first += ScoreWriteBack.ChunkRows)
            {
                ScoreWriteBack.FactorChunk(opportunities, first, Math.Min(ScoreWriteBack.ChunkRows, opportunities.Count - first), rows);
                factorRows += rows.Count;
            }
        });
        var beyond = new BeyondFloor(json, drift, factors);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"  beyond the floor, one thread, one after the other: factor JSON of {opportunities.Count + accounts.Count:N0} scores ({jsonBytes / 1e6:N0} MB) {json.Seconds:0.00}s ({json.CpuSeconds:0.00} CPU s); drift of {driftColumns} columns {drift.Seconds:0.00}s ({drift.CpuSeconds:0.00} CPU s); {factorRows:N0} factor rows made {factors.Seconds:0.00}s ({factors.CpuSeconds:0.00} CPU s)"));
        return beyond;
    }

    /// <summary>Runs <paramref name="work"/> once: its wall time and the process's CPU time meanwhile.</summary>
    private static Timing Timed(Action work)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        work();
        var seconds = watch.Elapsed.TotalSeconds;
        process.Refresh();
        return new Timing(seconds, (process.TotalProcessorTime - cpu).TotalSeconds);
    }

    private readonly record struct Timing(double Seconds, double CpuSeconds);

    /// <summary>The write-back's work beyond storing its rows, each part timed alone (see <see cref="MeasureBeyondFloor"/>).</summary>
    private sealed record BeyondFloor(Timing Json, Timing Drift, Timing FactorRows)
    {
        /// <summary>What the full floor adds to the storing floor: the JSON and the drift, one after the other (wall).</summary>
        public double Seconds => Json.Seconds + Drift.Seconds;

        public double CpuSeconds => Json.CpuSeconds + Drift.CpuSeconds;
    }
}
