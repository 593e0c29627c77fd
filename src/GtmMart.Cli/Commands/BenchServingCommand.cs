using System.ComponentModel;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using GtmMart.Cli.Output;
using GtmMart.Contracts.V1;
using GtmMart.DemoData;
using GtmMart.Scoring.Features;
using GtmMart.Scoring.Registry;
using GtmMart.Server;
using GtmMart.Server.Security;
using GtmMart.Server.Services;
using GtmMart.Serving;
using GtmMart.Warehouse.Connection;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

/// <summary>
/// The serving benchmark, all in one process: builds a small mart and models through the product, starts the real
/// gRPC host (Kestrel, 127.0.0.1, free port) and measures unary scoring next to an empty call (the transport's own
/// limit), a pipelined ScoreStream next to in-process batch scoring of the same rows, and the score write-back of 1M
/// opportunities next to a raw DuckDB Appender insert of the same rows into a plain table in the same file.
/// Every measurement is bounded (a fixed number of items or a few seconds).
/// </summary>
public sealed class BenchServingCommand : Command<BenchServingCommand.Settings>
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
        [Description("Measured seconds per unary run (after a 1 s warm-up)")]
        [DefaultValue(3.0)]
        public double Seconds { get; init; } = 3.0;

        [CommandOption("--stream-items <N>")]
        [Description("Requests sent on one ScoreStream (and rows scored in process)")]
        [DefaultValue(100_000)]
        public int StreamItems { get; init; } = 100_000;

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
            : StreamItems < 1 ? ValidationResult.Error("--stream-items must be at least 1")
            : WriteRows < 1 ? ValidationResult.Error("--write-rows must be at least 1")
            : ValidationResult.Success();
    }

    private sealed record Load(int Concurrency, long Calls, double Seconds, double P50Ms, double P99Ms, long Failures)
    {
        public double PerSecond => Calls / Seconds;
    }

    /// <summary>One concurrency level: scoring with the score cache off, with it on (warm), and the empty call.</summary>
    private sealed record UnaryRow(Load Uncached, Load Cached, Load Empty);

    private sealed record StreamResult(int Items, double StreamSeconds, long Errors, double BatchSeconds)
    {
        public double StreamPerSecond => Items / StreamSeconds;

        public double BatchPerSecond => Items / BatchSeconds;
    }

    private sealed record WriteResult(
        long Opportunities, long Accounts, double Score, double Write, double OpportunityPart, double Raw, long RawRows)
    {
        public double WritePerSecond => (Opportunities + Accounts) / Write;

        public double OpportunityPerSecond => Opportunities / OpportunityPart;

        public double RawPerSecond => RawRows / Raw;
    }

    private sealed record Results(
        int Opportunities, int AccountsLoaded, string ModelVersion, List<UnaryRow> Unary, StreamResult Stream, WriteResult Write);

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
            var results = await RunAsync(settings, levels, folder, cancellationToken).ConfigureAwait(false);
            var markdown = Render(results, settings);
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

    private static async Task<Results> RunAsync(Settings settings, List<int> levels, string folder, CancellationToken cancellationToken)
    {
        // Data and models through the product: generate > load > build > export > train.
        var raw = Path.Combine(folder, "raw");
        var warehouse = new DuckDbWarehouse(Path.Combine(folder, "bench.duckdb"));
        PipelineSteps.Generate(new GeneratorOptions { OutputDirectory = raw, Accounts = settings.Accounts, Seed = 1 }, cancellationToken);
        PipelineSteps.Load(warehouse, raw);
        PipelineSteps.Build(warehouse, Warehouse.Models.ModelCatalog.Load(settings.SqlDir), cancellationToken);
        var snapshot = Path.Combine(folder, "features");
        PipelineSteps.Export(warehouse, snapshot);
        var models = Path.Combine(folder, "models");
        PipelineSteps.Train(snapshot, settings.Config, models, null);

        var app = GtmServer.Build(new ServerOptions
        {
            Warehouse = warehouse,
            Registry = new ModelRegistry(models),
            Urls = ["http://127.0.0.1:0"],
            ApiKeyHashes = [ApiKeyHashes.Hash(ApiKey)],
            LoadOnStart = false,
        });
        var state = app.Services.GetRequiredService<ServingState>();
        state.Load();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var address = app.Urls.Single();
            AnsiConsole.MarkupLine($"[bold]server listening on {address}[/]");
            var features = state.Features!;
            var modelSet = state.Models.Current!;
            var ids = features.Opportunities.Select(o => o.OpportunityId).ToArray();

            using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler
                {
                    EnableMultipleHttp2Connections = true,
                    PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                },
            });
            var client = new ScoringService.ScoringServiceClient(channel);
            var auth = new CallOptions(new Metadata { { "authorization", "Bearer " + ApiKey } });

            // The score cache is switched per round: off for the uncached scoring rounds (every call runs the model),
            // on for the cached ones (the warm-up fills it; ids cycle through the served opportunities).
            var access = app.Services.GetRequiredService<ServingAccess>();
            var cacheCapacity = access.ScoreCacheCapacity;
            var unary = new List<UnaryRow>();
            var duration = TimeSpan.FromSeconds(settings.Seconds);
            foreach (var concurrency in levels)
            {
                async Task<bool> Score(int i)
                {
                    var response = await client.ScoreOpportunitiesAsync(
                        new ScoreOpportunitiesRequest { OpportunityIds = { ids[i % ids.Length] } }, auth).ConfigureAwait(false);
                    return response.Results.Count == 1 && response.Results[0].ResultCase == OpportunityResult.ResultOneofCase.Score;
                }

                var loads = await MeasureSideBySideAsync(concurrency, duration,
                [
                    new Contender("uncached", () => access.ScoreCacheCapacity = 0, Score),
                    new Contender("cached", () => access.ScoreCacheCapacity = cacheCapacity, Score),
                    new Contender("Ping", () => { }, async _ =>
                    {
                        await client.PingAsync(new Empty(), auth).ConfigureAwait(false);
                        return true;
                    }),
                ], cancellationToken).ConfigureAwait(false);
                unary.Add(new UnaryRow(loads[0], loads[1], loads[2]));
            }

            access.ScoreCacheCapacity = 0;
            var stream = await MeasureStreamAsync(client, auth, modelSet, features, ids, settings.StreamItems, cancellationToken).ConfigureAwait(false);
            var write = MeasureWriteBack(folder, warehouse, modelSet, settings.WriteRows);
            return new Results(features.Opportunities.Count, features.Accounts.Count, modelSet.OpportunityVersion, unary, stream, write);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Rounds the measured calls alternate in, so all of them see the same background load.</summary>
    private const int Rounds = 6;

    /// <summary>A measured call and what to switch before each of its rounds.</summary>
    private sealed record Contender(string Name, Action Before, Func<int, Task<bool>> Call);

    /// <summary>
    /// <paramref name="concurrency"/> callers in a loop on one channel, for each contender side by side: a 1 s warm-up
    /// of each, then <see cref="Rounds"/> rounds in which the contenders take turns, sharing <paramref name="duration"/>
    /// each; calls/s over each one's measured time, latency percentiles of the calls completed in it.
    /// </summary>
    private static async Task<Load[]> MeasureSideBySideAsync(
        int concurrency, TimeSpan duration, IReadOnlyList<Contender> contenders, CancellationToken cancellationToken)
    {
        foreach (var c in contenders)
        {
            c.Before();
            await RunCallersAsync(concurrency, TimeSpan.FromSeconds(1), c.Call, cancellationToken).ConfigureAwait(false);
        }

        var rounds = contenders.Select(_ => new List<(List<double> Latencies, long Failures, double Seconds)>()).ToArray();
        for (var r = 0; r < Rounds; r++)
        {
            for (var k = 0; k < contenders.Count; k++)
            {
                contenders[k].Before();
                rounds[k].Add(await RunCallersAsync(concurrency, duration / Rounds, contenders[k].Call, cancellationToken).ConfigureAwait(false));
            }
        }

        var loads = rounds.Select(r => Summarize(concurrency, r)).ToArray();
        AnsiConsole.MarkupLine(string.Join("; ", contenders.Select((c, k) => string.Create(CultureInfo.InvariantCulture,
            $"{(k == 0 ? $"  concurrency {concurrency}: " : "")}{c.Name} {loads[k].PerSecond:N0} calls/s, p50 {loads[k].P50Ms:0.000} ms, p99 {loads[k].P99Ms:0.000} ms"))));
        return loads;
    }

    private static Load Summarize(int concurrency, List<(List<double> Latencies, long Failures, double Seconds)> rounds)
    {
        var latencies = rounds.SelectMany(r => r.Latencies).ToList();
        latencies.Sort();
        return new Load(concurrency, latencies.Count, rounds.Sum(r => r.Seconds),
            Percentile(latencies, 0.50), Percentile(latencies, 0.99), rounds.Sum(r => r.Failures));
    }

    private static async Task<(List<double> Latencies, long Failures, double Seconds)> RunCallersAsync(
        int concurrency, TimeSpan duration, Func<int, Task<bool>> call, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var next = -1;
        long failures = 0;
        var perCaller = new List<double>[concurrency];
        var callers = Enumerable.Range(0, concurrency).Select(c => Task.Run(async () =>
        {
            var latencies = perCaller[c] = new List<double>(100_000);
            while (watch.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await call(Interlocked.Increment(ref next)).ConfigureAwait(false);
                }
                catch (RpcException)
                {
                    ok = false;
                }

                if (ok)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                else
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(callers).ConfigureAwait(false);
        var elapsed = watch.Elapsed.TotalSeconds;
        return (perCaller.SelectMany(l => l).ToList(), failures, elapsed);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>One ScoreStream, all requests written while a reader drains the responses, next to ScoreBatch of the same rows.</summary>
    private static async Task<StreamResult> MeasureStreamAsync(
        ScoringService.ScoringServiceClient client, CallOptions auth, ModelSet models, FeatureStore features, string[] ids, int items, CancellationToken cancellationToken)
    {
        // Warm-up: a short stream and a small batch.
        await StreamAsync(client, auth, ids, Math.Min(items, 2_000), cancellationToken).ConfigureAwait(false);
        var rows = Enumerable.Range(0, items).Select(i => features.TryGetOpportunity(ids[i % ids.Length], out var row) ? row : throw new InvalidOperationException(ids[i % ids.Length])).ToList();
        _ = models.Opportunity.ScoreBatch(rows.Take(2_000).ToList());

        var watch = Stopwatch.StartNew();
        var errors = await StreamAsync(client, auth, ids, items, cancellationToken).ConfigureAwait(false);
        var streamSeconds = watch.Elapsed.TotalSeconds;

        watch.Restart();
        var scores = models.Opportunity.ScoreBatch(rows);
        var batchSeconds = watch.Elapsed.TotalSeconds;
        if (scores.Count != items)
        {
            throw new InvalidOperationException($"ScoreBatch returned {scores.Count} scores for {items} rows");
        }

        var result = new StreamResult(items, streamSeconds, errors, batchSeconds);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"  ScoreStream {items:N0} items: {result.StreamPerSecond:N0} scores/s; in-process ScoreBatch: {result.BatchPerSecond:N0} scores/s"));
        return result;
    }

    private static readonly WriteOptions BufferHint = new(WriteFlags.BufferHint);

    private static async Task<long> StreamAsync(ScoringService.ScoringServiceClient client, CallOptions auth, string[] ids, int items, CancellationToken cancellationToken)
    {
        using var call = client.ScoreStream(auth.WithCancellationToken(cancellationToken));
        var reader = Task.Run(async () =>
        {
            long received = 0;
            long errors = 0;
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                received++;
                if (response.ResultCase != ScoreStreamResponse.ResultOneofCase.Opportunity)
                {
                    errors++;
                }
            }

            return received == items ? errors : throw new InvalidOperationException($"ScoreStream returned {received} responses for {items} requests");
        }, cancellationToken);
        for (var i = 0; i < items; i++)
        {
            // Buffered writes, flushed every StreamBatch requests and at the end, as a bulk client would send them.
            call.RequestStream.WriteOptions = (i + 1) % ScoringApi.StreamBatch == 0 || i == items - 1 ? null : BufferHint;
            await call.RequestStream.WriteAsync(new ScoreStreamRequest { OpportunityId = ids[i % ids.Length] }, cancellationToken).ConfigureAwait(false);
        }

        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        return await reader.ConfigureAwait(false);
    }

    /// <summary>
    /// A second DuckDB file holding <paramref name="rows"/> open synthetic opportunities (copies of the generated
    /// ones with new ids) as a published feature mart; <see cref="ScoreWriteBack.Run"/> over it (its own scoring
    /// timed apart from its write phase by its progress reports), then the same opportunity score rows, read back,
    /// appended with a raw DuckDB Appender to a plain table in the same file in one transaction.
    /// </summary>
    private static WriteResult MeasureWriteBack(string folder, DuckDbWarehouse source, ModelSet models, int rows)
    {
        var target = new DuckDbWarehouse(Path.Combine(folder, "writeback.duckdb"));
        using (var step = ProgressStep.Start($"preparing {rows:N0} synthetic open opportunities in {target.DatabasePath}"))
        {
            using var connection = target.Open();
            connection.Execute($"attach '{source.DatabasePath.Replace("'", "''", StringComparison.Ordinal)}' as src (read_only)");
            connection.Execute("create schema mart");
            connection.Execute("create schema gtm_meta");
            connection.Execute("create table gtm_meta.builds as select * from src.gtm_meta.builds");
            connection.Execute("create table mart.mrt_account_features as select * from src.mart.mrt_account_features");
            connection.Execute(
                $"""
                create table mart.mrt_opportunity_features as
                select f.* replace (f.opportunity_id || '~' || cast(t.i as varchar) as opportunity_id, false as is_closed)
                from src.mart.mrt_opportunity_features as f,
                     range(cast(ceil({rows} / (select count(*) from src.mart.mrt_opportunity_features)) as bigint)) as t(i)
                order by t.i, f.opportunity_id
                limit {rows}
                """);
            connection.Execute("detach src");
            step.Done();
        }

        var features = FeatureStore.Load(target);
        if (features.OpenOpportunities.Count != rows)
        {
            throw new InvalidOperationException($"expected {rows:N0} open opportunities, read {features.OpenOpportunities.Count:N0}");
        }

        var watch = Stopwatch.StartNew();
        var marks = new Dictionary<string, double>(StringComparer.Ordinal);
        var progress = new InlineProgress<string>(message =>
        {
            var at = watch.Elapsed.TotalSeconds;
            var key = message.StartsWith("scoring ", StringComparison.Ordinal) && !marks.ContainsKey("score") ? "score"
                : message.StartsWith("scored in", StringComparison.Ordinal) ? "write"
                : message.Contains("opportunity scores", StringComparison.Ordinal) ? "opportunities"
                : message.StartsWith("committed", StringComparison.Ordinal) ? "committed"
                : null;
            if (key is not null)
            {
                marks[key] = at;
            }

            AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(message)} ({at:0.00}s)[/]");
        });
        var result = new ScoreWriteBack(target).Run(models, features, "bench-serving", progress);
        foreach (var mark in new[] { "score", "write", "opportunities", "committed" })
        {
            if (!marks.ContainsKey(mark))
            {
                throw new InvalidOperationException($"the write-back did not report its '{mark}' step");
            }
        }

        // The raw baseline: the very rows the write-back stored, appended again by DuckDB's Appender.
        List<object?[]> scoreRows;
        using (var connection = target.Open())
        {
            connection.Execute(
                """
                create table bench_raw_scores (
                    opportunity_id varchar not null, score integer not null, probability double not null,
                    top_factors varchar not null, model_name varchar not null, model_version varchar not null,
                    run_id varchar not null, scored_at timestamp not null)
                """);
            scoreRows = connection.Query(
                $"select opportunity_id, score, probability, top_factors, model_name, model_version, run_id, scored_at from {ScoreTables.Schema}.{ScoreTables.Opportunities}",
                r => new object?[] { r.GetString(0), r.GetInt32(1), r.GetDouble(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetDateTime(7) });
        }

        watch.Restart();
        using (var connection = (DuckDBConnection)target.Open())
        {
            using var transaction = connection.BeginTransaction();
            using (var appender = connection.CreateAppender("bench_raw_scores"))
            {
                foreach (var values in scoreRows)
                {
                    appender.CreateRow()
                        .AppendValue((string)values[0]!).AppendValue((int)values[1]!).AppendValue((double)values[2]!)
                        .AppendValue((string)values[3]!).AppendValue((string)values[4]!).AppendValue((string)values[5]!)
                        .AppendValue((string)values[6]!).AppendValue((DateTime)values[7]!)
                        .EndRow();
                }
            }

            transaction.Commit();
        }

        var rawSeconds = watch.Elapsed.TotalSeconds;
        var write = new WriteResult(
            result.Opportunities,
            result.Accounts,
            marks["write"] - marks["score"],
            marks["committed"] - marks["write"],
            marks["opportunities"] - marks["write"],
            rawSeconds,
            scoreRows.Count);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"  write-back write phase {write.WritePerSecond:N0} rows/s (opportunity part {write.OpportunityPerSecond:N0} rows/s); raw Appender {write.RawPerSecond:N0} rows/s"));
        return write;
    }

    private static string Render(Results r, Settings settings)
    {
        var text = new StringBuilder();
        text.AppendLine("## gRPC serving (issue: serving benchmark)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Command: `dotnet src/GtmMart.Cli/bin/Release/net10.0/gtm.dll bench-serving --work {settings.Work} --accounts {settings.Accounts} --concurrency {settings.Concurrency} --seconds {settings.Seconds.ToString(CultureInfo.InvariantCulture)} --stream-items {settings.StreamItems} --write-rows {settings.WriteRows}` (after `dotnet build src/GtmMart.Cli -c Release`)  ");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        text.AppendLine("Client and server share one process and the machine's cores (other jobs may have been running): compare the ratios, each of which pairs two measurements from this same run, not absolute numbers across runs.");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Data: demo generator, {settings.Accounts:N0} accounts, seed 1, through load > build > export > train; served: {r.Opportunities:N0} opportunities, {r.AccountsLoaded:N0} accounts, opportunity-scoring {r.ModelVersion}. Server: `GtmServer.Build` (the `gtm serve` host, API-key interceptor on), Kestrel HTTP/2 cleartext on 127.0.0.1, free port. Client: one `GrpcChannel` (SocketsHttpHandler, `EnableMultipleHttp2Connections`), shared by all callers.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"**Unary scoring vs the empty call.** Each row: N callers loop over three calls in turn, {Rounds} rounds sharing {settings.Seconds.ToString(CultureInfo.InvariantCulture)} s per call after a 1 s warm-up of each: `ScoreOpportunities` with 1 id per call with the server's score cache off (lookup, ML.NET scoring with factor contributions, mapping), the same with the cache on (the warm-up has filled it; a repeated id is a lookup of the scored message, as for a CRM page showing the same deal again), and `Ping` (empty request and response, same interceptor): the transport's own limit. Latency is per call, client side.");
        text.AppendLine();
        text.AppendLine("| concurrency | scoring, uncached calls/s | p50 ms | p99 ms | scoring, cached calls/s | p50 ms | p99 ms | Ping calls/s | p50 ms | p99 ms | uncached / empty | cached / empty |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (u, c, e) in r.Unary)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {u.Concurrency} | {u.PerSecond:N0} | {u.P50Ms:0.00} | {u.P99Ms:0.00} | {c.PerSecond:N0} | {c.P50Ms:0.00} | {c.P99Ms:0.00} | {e.PerSecond:N0} | {e.P50Ms:0.00} | {e.P99Ms:0.00} | {u.PerSecond / e.PerSecond:0.00} | {c.PerSecond / e.PerSecond:0.00} |");
        }

        var failed = r.Unary.Sum(x => x.Uncached.Failures + x.Cached.Failures + x.Empty.Failures);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Failed calls: {failed}.");
        text.AppendLine();
        var s = r.Stream;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"**Streaming vs in-process batch.** One `ScoreStream` carrying {s.Items:N0} opportunity ids (cycling through the served ones), pipelined: every request written while a reader drains the responses (buffered writes flushed every 256 requests); the server's score cache off, so every item runs the model; timed from opening the call to the last response. Next to it `OpportunityScorer.ScoreBatch` over the same {s.Items:N0} feature rows in process (no lookup, no protobuf). Both after a 2,000-item warm-up.");
        text.AppendLine();
        text.AppendLine("| items | ScoreStream s | ScoreStream scores/s | item errors | ScoreBatch s | ScoreBatch scores/s | stream / batch |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {s.Items:N0} | {s.StreamSeconds:0.00} | {s.StreamPerSecond:N0} | {s.Errors} | {s.BatchSeconds:0.00} | {s.BatchPerSecond:N0} | {s.StreamPerSecond / s.BatchPerSecond:0.00} |");
        text.AppendLine();
        var w = r.Write;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"**Write-back vs raw Appender.** A second DuckDB file holds {w.Opportunities:N0} open synthetic opportunities (the generated ones copied with new ids) and the generated accounts as a published feature mart; `FeatureStore.Load` reads them (untimed). `ScoreWriteBack.Run` then scores everything (timed apart: \"score\") and writes (\"write phase\", from the end of scoring to the commit, from its own progress reports): open connection, delete and Appender-insert the latest opportunity scores (`BulkRowWriter`), replace the day's history rows (delete + insert-select), the same for {w.Accounts:N0} accounts, the run ledger row, commit. \"Opportunity part\" is the opportunity half of that (latest table + history). The baseline appends the very opportunity rows the write-back stored (read back, untimed) with `DuckDBConnection.CreateAppender` into a plain table with the same 8 columns in the same file, one transaction, timed from opening the connection to the commit.");
        text.AppendLine();
        text.AppendLine("| opportunities | accounts | score s | write phase s | write phase rows/s | opportunity part s | opportunity part rows/s | raw Appender s | raw Appender rows/s | opportunity part / raw | write phase / raw |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {w.Opportunities:N0} | {w.Accounts:N0} | {w.Score:0.00} | {w.Write:0.00} | {w.WritePerSecond:N0} | {w.OpportunityPart:0.00} | {w.OpportunityPerSecond:N0} | {w.Raw:0.00} | {w.RawPerSecond:N0} | {w.OpportunityPerSecond / w.RawPerSecond:0.00} | {w.WritePerSecond / w.RawPerSecond:0.00} |");
        return text.ToString();
    }
}
