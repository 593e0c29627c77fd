using System.ComponentModel;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using GtmMart.Cli.Commands;
using GtmMart.Contracts.V1;
using GtmMart.DemoData;
using GtmMart.Warehouse.Connection;
using Microsoft.AspNetCore.Builder;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Bench.Serving;

/// <summary>
/// The serving benchmark, all in one process: builds a small mart and models through the product, starts the real
/// gRPC host twice (Kestrel, 127.0.0.1, free ports; one with the default score cache, one with it off, as
/// <c>gtm serve --score-cache 0</c>) and measures unary scoring next to an empty call (the transport's own limit), a pipelined ScoreStream next to in-process batch scoring of the same rows, and the score write-back of 1M
/// opportunities next to a raw DuckDB Appender insert of the same rows into a plain table in the same file.
/// Every measurement is bounded (a fixed number of items or a few seconds).
/// </summary>
public sealed partial class ServingBenchCommand : Command<ServingBenchCommand.Settings>
{
    private const string ApiKey = "bench-serving-key";

    public sealed class Settings : BenchSettings
    {
        [CommandOption("--accounts <N>")]
        [Description("Accounts in the generated data set the server scores")]
        [DefaultValue(2_000)]
        public int Accounts { get; init; } = 2_000;

        [CommandOption("--concurrency <LIST>")]
        [Description("Comma-separated numbers of concurrent unary callers")]
        [DefaultValue("1,16,64")]
        public string Concurrency { get; init; } = "1,16,64";

        [CommandOption("--seconds <S>")]
        [Description("Measured seconds per unary run (after the warm-up)")]
        [DefaultValue(3.0)]
        public double Seconds { get; init; } = 3.0;

        [CommandOption("--warmup <S>")]
        [Description("Warm-up seconds of each unary call before its measured rounds, at every concurrency level")]
        [DefaultValue(2.0)]
        public double Warmup { get; init; } = 2.0;

        [CommandOption("--stream-items <N>")]
        [Description("Ids scored by each stream kind and by the in-process batch, split over the rounds they alternate in")]
        [DefaultValue(300_000)]
        public int StreamItems { get; init; } = 300_000;

        [CommandOption("--write-rows <N>")]
        [Description("Open opportunities written back (synthetic copies of the generated ones)")]
        [DefaultValue(1_000_000)]
        public int WriteRows { get; init; } = 1_000_000;

        [CommandOption("--work <DIR>")]
        [Description("Scratch folder (deleted before and after)")]
        public string Work { get; init; } = Path.Combine(".gtm", "bench-serving");

        [CommandOption("--config <FILE>")]
        [Description("Training config (default training/configs/default.json, else built-in defaults)")]
        public string? Config { get; init; }

        public override ValidationResult Validate() =>
            Accounts < 10 ? ValidationResult.Error("--accounts must be at least 10")
            : Seconds <= 0 ? ValidationResult.Error("--seconds must be positive")
            : Warmup < 0 ? ValidationResult.Error("--warmup must not be negative")
            : StreamItems < 1 ? ValidationResult.Error("--stream-items must be at least 1")
            : WriteRows < 1 ? ValidationResult.Error("--write-rows must be at least 1")
            : ValidationResult.Success();
    }

    /// <summary>One call's measurement: totals over the rounds, and its rate in each round.</summary>
    private sealed record Load(
        int Concurrency, long Calls, double Seconds, double P50Ms, double P99Ms, long Failures, IReadOnlyList<double> RoundRates, double CpuSeconds,
        IReadOnlyList<double> RoundCpuMicros, long AllocatedBytes, CallerLoop.RuntimeWork Runtime)
    {
        public double PerSecond => Calls / Seconds;

        /// <summary>Bytes the process allocated per completed call (client, server and runtime together).</summary>
        public double BytesPerCall => (double)AllocatedBytes / Calls;

        /// <summary>The process's CPU time per completed call, µs: a call's cost, apart from the share of the cores it got.</summary>
        public double CpuMicrosPerCall => CpuSeconds * 1e6 / Calls;

        /// <summary>Collections per 1,000 completed calls, as "gen0 / gen1 / gen2" (a gen1 collection counts in gen0 too, a gen2 in all three).</summary>
        public string GcsPerThousand => string.Create(CultureInfo.InvariantCulture,
            $"{Runtime.Gen0 * 1000.0 / Calls:0.00} / {Runtime.Gen1 * 1000.0 / Calls:0.00} / {Runtime.Gen2 * 1000.0 / Calls:0.00}");

        /// <summary>The collector's pauses per completed call, µs (wall time the process stood still).</summary>
        public double PauseMicrosPerCall => Runtime.PauseSeconds * 1e6 / Calls;

        public double ContentionsPerThousand => Runtime.LockContentions * 1000.0 / Calls;

        public double WorkItemsPerCall => (double)Runtime.WorkItems / Calls;
    }

    /// <summary>
    /// The ratio of two runs taken side by side, per round: median, lowest and highest. Shows how much of a ratio over
    /// the totals is the code and how much the machine (a busy neighbour slows whichever run it overlaps).
    /// </summary>
    private sealed record RoundRatios(double Median, double Min, double Max)
    {
        public static RoundRatios Of(IReadOnlyList<double> numerator, IReadOnlyList<double> denominator)
        {
            var ratios = numerator.Zip(denominator, (n, d) => n / d).Order().ToList();
            var mid = ratios.Count / 2;
            var median = ratios.Count % 2 == 1 ? ratios[mid] : (ratios[mid - 1] + ratios[mid]) / 2;
            return new RoundRatios(median, ratios[0], ratios[^1]);
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Median:0.00} ({Min:0.00}-{Max:0.00})");
    }

    /// <summary>
    /// One concurrency level: scoring with the score cache off, with it on (warm), the replayed answers (see
    /// <see cref="AnswerReplay"/>), the replayed answers followed by the server's own work on the same id in the
    /// caller's continuation (<see cref="ServerWork"/>: the floor, paid in the call's own conditions) and the empty call.
    /// </summary>
    private sealed record UnaryRow(Load Uncached, Load Cached, Load Replayed, Load ReplayedWork, Load Empty, Warmup Warmup);

    /// <summary>
    /// Each round's seconds of the stream with one id per message, of the stream with <see cref="StreamChunk"/> ids per
    /// message and of the in-process batch (<see cref="Items"/> over all rounds), and the streams' item errors.
    /// </summary>
    private sealed record StreamResult(
        int Items, long Errors, long ChunkedErrors, IReadOnlyList<double> StreamRounds, IReadOnlyList<double> ChunkedRounds, IReadOnlyList<double> BatchRounds,
        IReadOnlyList<StreamWork> WorkRounds, double StreamCpuSeconds, double ChunkedCpuSeconds, double BatchCpuSeconds)
    {
        public double StreamSeconds => StreamRounds.Sum();

        public double ChunkedSeconds => ChunkedRounds.Sum();

        public double BatchSeconds => BatchRounds.Sum();

        /// <summary>Stream rate over batch rate per round (the batch's seconds over the stream's, same items).</summary>
        public RoundRatios StreamVsBatch => RoundRatios.Of(BatchRounds, StreamRounds);

        public RoundRatios ChunkedVsBatch => RoundRatios.Of(BatchRounds, ChunkedRounds);

        public double StreamPerSecond => Items / StreamSeconds;

        public double ChunkedPerSecond => Items / ChunkedSeconds;

        public double BatchPerSecond => Items / BatchSeconds;

        /// <summary>The batch's CPU plus mapping, encoding and parsing its answers, in process on one thread: the chunked stream's least CPU.</summary>
        public double FloorCpuSeconds => BatchCpuSeconds + WorkRounds.Sum(w => w.Seconds);

        /// <summary>Stream / batch at the floor on one core: the batch's CPU over the floor's.</summary>
        public double FloorVsBatch => BatchCpuSeconds / FloorCpuSeconds;

    }

    private sealed record WriteResult(
        long Opportunities, long Accounts, double Score, double Write, double OpportunityPart, double Raw, long RawRows, double Tests, double Floor,
        IReadOnlyList<GtmMart.Serving.WriteBackStep> Steps, double RawBulk, double FloorBulk, double FloorUtf8)
    {
        public double WritePerSecond => (Opportunities + Accounts) / Write;

        public double OpportunityPerSecond => Opportunities / OpportunityPart;

        public double RawPerSecond => RawRows / Raw;

        /// <summary>Process CPU seconds of the write phase (data tests left out), from the same progress reports.</summary>
        public double WriteCpu { get; init; }

        public double FloorCpu { get; init; }

        public double FloorBulkCpu { get; init; }

        /// <summary>The factor JSON, the drift and the factor rows made, each timed alone (<see cref="MeasureBeyondFloor"/>).</summary>
        public required BeyondFloor Beyond { get; init; }

        /// <summary>The floor plus the work beyond it the write phase must pay: the factor JSON and the drift (serially).</summary>
        public double FullFloor => Floor + Beyond.Seconds;

        public double FullFloorBulk => FloorBulk + Beyond.Seconds;

        public double FullFloorCpu => FloorCpu + Beyond.CpuSeconds;

        public double FullFloorBulkCpu => FloorBulkCpu + Beyond.CpuSeconds;
    }

    private sealed record Results(
        int Opportunities, int AccountsLoaded, string ModelVersion, double AnswerBytes, Prefill Prefill, List<UnaryRow> Unary, CallWork Work, StreamResult Stream, WriteResult Write,
        string LoadBefore, string LoadAfter);

    /// <summary>The machine's 1-minute load average (how busy the shared cores were), or "unknown" without /proc.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    /// <summary>The server's background fill of its score cache after the models and features were published.</summary>
    private sealed record Prefill(int Scores, double Seconds);

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        ExecuteAsync(settings, cancellationToken).GetAwaiter().GetResult();

    private static async Task<int> ExecuteAsync(Settings settings, CancellationToken cancellationToken)
    {
        var levels = BenchSettings.Numbers(settings.Concurrency).Select(n => checked((int)n)).ToList();
        var folder = Path.GetFullPath(settings.Work);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        try
        {
            var markdown = Render(await RunAsync(settings, levels, folder, cancellationToken).ConfigureAwait(false), settings);
            MarkdownSection.Write(settings.Out, "serving", markdown);

            // Plain output: the console's line wrapping would break the table rows.
            Console.Out.Write(markdown);
            return 0;
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static readonly CallOptions Auth = new(new Metadata { { "authorization", "Bearer " + ApiKey } });

    private static async Task<Results> RunAsync(Settings settings, List<int> levels, string folder, CancellationToken cancellationToken)
    {
        var warehouse = new DuckDbWarehouse(Path.Combine(folder, "bench.duckdb"));
        var models = BenchData.Prepare(warehouse, folder, settings.Accounts, settings.SqlDir, settings.Config, cancellationToken);

        // Two hosts in this process over the same mart and models, each as `gtm serve` runs it: one with the default
        // score cache (filled in the background once the models and features are published), and one started with
        // `--score-cache 0`, where every call runs the model. The process's CPU covers both.
        var server = await BenchServer.StartAsync(warehouse, models, scoreCacheCapacity: null, app => app.MapGrpcService<AnswerReplay>(), cancellationToken).ConfigureAwait(false);
        await using (server.ConfigureAwait(false))
        {
            var uncachedServer = await BenchServer.StartAsync(warehouse, models, scoreCacheCapacity: 0, _ => { }, cancellationToken).ConfigureAwait(false);
            await using (uncachedServer.ConfigureAwait(false))
            {
                return await MeasureAsync(settings, levels, folder, warehouse, server, uncachedServer, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<Results> MeasureAsync(
        Settings settings, List<int> levels, string folder, DuckDbWarehouse warehouse, BenchServer server, BenchServer uncachedServer, CancellationToken cancellationToken)
    {
        var features = server.State.Features!;
        var modelSet = server.State.Models.Current!;
        var ids = features.Opportunities.Select(o => o.OpportunityId).ToArray();
        var client = server.Client;
        var uncachedClient = uncachedServer.Client;

        // What the set-up left in the heap (generated data, the training run) is collected and compacted first,
        // so the serving rounds do not pay for it.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var auth = Auth;

        // The cached server fills its score cache with every known id's score once the models and features are
        // published; measured here before anything else runs.
        var loadBefore = LoadAverage();
        var prefill = await server.PrefillAsync().ConfigureAwait(false);
        await RecordAnswersAsync(client, auth, ids, cancellationToken).ConfigureAwait(false);
        var replay = server.Channel.CreateCallInvoker();

        // The three scoring calls send the same one-id requests and count an answer only when it is that id's score.
        ScoreOpportunitiesRequest OneId(int i) => new() { OpportunityIds = { ids[i % ids.Length] } };
        static bool IsOneScore(ScoreOpportunitiesResponse response) =>
            response.Results is [{ ResultCase: OpportunityResult.ResultOneofCase.Score }];
        async Task<bool> Uncached(int i) =>
            IsOneScore(await uncachedClient.ScoreOpportunitiesAsync(OneId(i), auth).ConfigureAwait(false));
        async Task<bool> Cached(int i) =>
            IsOneScore(await client.ScoreOpportunitiesAsync(OneId(i), auth).ConfigureAwait(false));
        async Task<bool> Replayed(int i) =>
            IsOneScore(await replay.AsyncUnaryCall(AnswerReplay.ClientMethod, null, auth, OneId(i)).ResponseAsync.ConfigureAwait(false));
        var work = new ServerWork(uncachedServer.Access.Snapshot(), ids);
        async Task<bool> ReplayedWork(int i) =>
            await Replayed(i).ConfigureAwait(false) && work.Run(i) > 0;

        var unary = new List<UnaryRow>();
        var duration = TimeSpan.FromSeconds(settings.Seconds);
        foreach (var concurrency in levels)
        {
            var (loads, warmup) = await MeasureSideBySideAsync(concurrency, TimeSpan.FromSeconds(settings.Warmup), duration,
            [
                new Contender("uncached", Uncached),
                new Contender("cached", Cached),
                new Contender("replayed", Replayed),
                new Contender("replayed + server work", ReplayedWork),
                new Contender("Ping", async _ =>
                {
                    await uncachedClient.PingAsync(new Empty(), auth).ConfigureAwait(false);
                    return true;
                }),
            ], cancellationToken).ConfigureAwait(false);
            unary.Add(new UnaryRow(loads[0], loads[1], loads[2], loads[3], loads[4], warmup));
        }

        var steps = MeasureCallWork(uncachedServer.Access, ids);
        var stream = await MeasureStreamAsync(uncachedClient, auth, uncachedServer.Access.Snapshot(), ids, settings.StreamItems, cancellationToken).ConfigureAwait(false);
        var write = MeasureWriteBack(folder, warehouse, modelSet, settings.WriteRows);
        return new Results(features.Opportunities.Count, features.Accounts.Count, modelSet.OpportunityVersion, AnswerReplay.AverageAnswerBytes, prefill, unary, steps, stream, write,
            loadBefore, LoadAverage());
    }
}
