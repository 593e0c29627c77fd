using System.Globalization;
using System.Text;
using GtmMart.Server.Services;

namespace GtmMart.Bench.Serving;

public sealed partial class ServingBenchCommand
{
    private static string Render(Results r, Settings settings)
    {
        var text = new StringBuilder();
        text.AppendLine("## gRPC serving (issue: serving benchmark)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Command: `dotnet run --project bench/GtmMart.Bench -c Release -- serving --work {settings.Work} --accounts {settings.Accounts} --concurrency {settings.Concurrency} --seconds {settings.Seconds.ToString(CultureInfo.InvariantCulture)} --warmup {settings.Warmup.ToString(CultureInfo.InvariantCulture)} --stream-items {settings.StreamItems} --write-rows {settings.WriteRows}`  ");
        text.AppendLine(MarkdownSection.MachineLine());
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Client and server share one process and the machine's cores, with whatever else ran on them (load average {r.LoadBefore} before the measurements, {r.LoadAfter} after): compare the ratios, each of which pairs two measurements from this same run, not absolute numbers across runs.");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Data: demo generator, {settings.Accounts:N0} accounts, seed 1, through load > build > export > train; served: {r.Opportunities:N0} opportunities, {r.AccountsLoaded:N0} accounts, opportunity-scoring {r.ModelVersion}. Servers: two `GtmServer.Build` hosts in this process (the `gtm serve` host, API-key interceptor on), Kestrel HTTP/2 cleartext on 127.0.0.1, free ports, over the same mart and models: one with the default score cache, one with it off (`--score-cache 0`). Client: one `GrpcChannel` per server (SocketsHttpHandler, `EnableMultipleHttp2Connections`), shared by all callers.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"**Unary scoring vs the empty call.** Each row: N callers loop over five calls in turn (the order reversed every other round), {Rounds} rounds sharing {settings.Seconds.ToString(CultureInfo.InvariantCulture)} s per call after a {settings.Warmup.ToString(CultureInfo.InvariantCulture)} s warm-up of each and then settling passes (each call for {SettleTurn.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s in turn) until one in which the JIT compiled fewer than {SettledJitMethods} methods (at most {MaxSettlePasses}), so the rounds measure compiled code rather than the compiler: `ScoreOpportunities` with 1 id per call to the server whose score cache is off (lookup, featurization, the model's score, factor contributions and calibration, phrasing, mapping, encoding), the same to the server with the cache on, as `gtm serve` runs by default (the server scored every known id into it in the background once the models and features were published: {r.Prefill.Scores:N0} scores in {r.Prefill.Seconds:0.00} s here; a call is a lookup of the score), the same request answered by a replay of the real answers recorded beforehand ({r.AnswerBytes:N0} bytes on average; the server sends the stored bytes without reading the request, the client parses them as it parses a scoring answer: see `AnswerReplay`), the replayed answers followed, in the caller's continuation, by the server's own work on the same id (request parsed, looked up and scored, mapped, encoded: `ServerWork`), and `Ping` (empty request and response, to the server without a cache): the transport's own limit. All five pass the same API-key interceptor. Latency is per call, client side.");
        text.AppendLine();
        UnaryTable(text, r, ["scoring, uncached calls/s", "p50 ms", "p99 ms", "scoring, cached calls/s", "p50 ms", "p99 ms", "replayed answers calls/s", "p50 ms", "p99 ms", "Ping calls/s", "p50 ms", "p99 ms"],
            x => string.Join(" | ", new[] { x.Uncached, x.Cached, x.Replayed, x.Empty }.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.PerSecond:N0} | {l.P50Ms:0.00} | {l.P99Ms:0.00}"))));
        text.AppendLine();
        text.AppendLine("The same calls/s as ratios, over the totals; \"per round\" gives the median (lowest-highest) of the same ratio in each round, where the two calls ran next to each other. \"Replayed / empty\" is what the transport and the answers alone leave of the empty call's rate, so about the most a scoring call with these answers can reach here; \"uncached / replayed\" is what the server's own work on a scoring call (parse, find, score, encode) leaves of that.");
        text.AppendLine();
        static string Rates(Load a, Load b) => string.Create(CultureInfo.InvariantCulture, $"{a.PerSecond / b.PerSecond:0.00} | {RoundRatios.Of(a.RoundRates, b.RoundRates)}");
        UnaryTable(text, r, ["uncached / empty", "per round", "cached / empty", "per round", "replayed / empty", "per round", "uncached / replayed", "per round"],
            x => $"{Rates(x.Uncached, x.Empty)} | {Rates(x.Cached, x.Empty)} | {Rates(x.Replayed, x.Empty)} | {Rates(x.Uncached, x.Replayed)}");
        text.AppendLine();
        text.AppendLine("The same rounds in CPU: the process's CPU time (client, server and runtime together) over the calls completed, and each call's over the empty call's (\"per round\": median, lowest-highest of the same ratio in each round). Unlike calls/s, it does not depend on how much of the cores a busy neighbour left. With 16 and 64 callers the cores are saturated, so \"uncached / Ping\" is how many times longer the cores take for a scoring call than for an empty one; with 1 caller, latency bounds calls/s, and the CPU includes threads spinning while they wait.");
        text.AppendLine();
        static string Cpu(Load a, Load b) => string.Create(CultureInfo.InvariantCulture, $"{a.CpuMicrosPerCall / b.CpuMicrosPerCall:0.00} | {RoundRatios.Of(a.RoundCpuMicros, b.RoundCpuMicros)}");
        UnaryTable(text, r, ["CPU µs per call: uncached", "cached", "replayed", "replayed + server work", "Ping", "uncached / Ping", "per round", "cached / Ping", "per round", "replayed / Ping", "per round", "replayed + server work / Ping", "per round"],
            x => string.Create(CultureInfo.InvariantCulture,
                $"{x.Uncached.CpuMicrosPerCall:0.0} | {x.Cached.CpuMicrosPerCall:0.0} | {x.Replayed.CpuMicrosPerCall:0.0} | {x.ReplayedWork.CpuMicrosPerCall:0.0} | {x.Empty.CpuMicrosPerCall:0.0} | {Cpu(x.Uncached, x.Empty)} | {Cpu(x.Cached, x.Empty)} | {Cpu(x.Replayed, x.Empty)} | {Cpu(x.ReplayedWork, x.Empty)}"));

        text.AppendLine();
        FloorTables(text, r);

        var failed = r.Unary.Sum(x => x.Uncached.Failures + x.Cached.Failures + x.Replayed.Failures + x.ReplayedWork.Failures + x.Empty.Failures);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Failed calls: {failed}. Warm-up, by concurrency: {string.Join("; ", r.Unary.Select(x => string.Create(CultureInfo.InvariantCulture,
            $"{x.Uncached.Concurrency}: {x.Warmup.SettlePasses} settling pass(es){(x.Warmup.Settled ? "" : " (JIT still busy at the limit)")}, {x.Warmup.JitMethodsInRounds} method(s) compiled in the measured rounds")))}.");
        text.AppendLine();
        var s = r.Stream;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"**Streaming vs in-process batch.** {StreamRounds} rounds, each of three runs in turn over the same {s.Items / StreamRounds:N0} opportunity ids (cycling through the served ones): a `ScoreStream` carrying them one id per message; `OpportunityScorer.ScoreBatch` over their feature rows in process (no lookup, no protobuf; one thread; the server scores a chunk of 64 ids or more over the cores and serializes and sends the answers on another thread while it scores the next); a `ScoreStream` carrying them {StreamChunk} ids per message (an `opportunities` chunk, answered by one message). Streams are pipelined: every request written while a reader drains the responses (buffered writes flushed every {ScoringApi.StreamBatch} ids), timed from opening the call to the last response; streams go to the server without a score cache, so every item runs the model. Figures are totals over the rounds, after a 2,000-item warm-up of each; \"per round\" gives the median (lowest-highest) of stream / batch in each round.");
        text.AppendLine();
        text.AppendLine("| items | ids per message | ScoreStream s | ScoreStream scores/s | item errors | ScoreBatch s | ScoreBatch scores/s | stream / batch | per round |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {s.Items:N0} | 1 | {s.StreamSeconds:0.00} | {s.StreamPerSecond:N0} | {s.Errors} | {s.BatchSeconds:0.00} | {s.BatchPerSecond:N0} | {s.StreamPerSecond / s.BatchPerSecond:0.00} | {s.StreamVsBatch} |");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {s.Items:N0} | {StreamChunk} | {s.ChunkedSeconds:0.00} | {s.ChunkedPerSecond:N0} | {s.ChunkedErrors} | {s.BatchSeconds:0.00} | {s.BatchPerSecond:N0} | {s.ChunkedPerSecond / s.BatchPerSecond:0.00} | {s.ChunkedVsBatch} |");
        text.AppendLine();
        var mapped = s.WorkRounds.Sum(w => w.MapSeconds);
        var encoded = s.WorkRounds.Sum(w => w.EncodeSeconds);
        var parsed = s.WorkRounds.Sum(w => w.ParseSeconds);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"The chunked stream's floor, in the same rounds, in process CPU (client, server, runtime) per item: the batch's, plus what the stream must do beyond scoring, measured in process on one thread over the batch's own scores: map them to {StreamChunk}-result answers (`ProtoMapping.ToProto`), encode them ({s.WorkRounds.Sum(w => w.Bytes) / (double)s.Items:N0} bytes a result) and parse them back as the client does. \"Floor / batch\" is the batch's CPU over the floor's: what the chunked stream reaches on one core if the transport, HTTP/2 and its threads cost nothing. On two cores free for it alone the stream could reach up to twice that (the server scores a chunk over the cores and encodes on another thread), against a batch on one core; on this shared machine the share of the cores each gets decides the rest.");
        text.AppendLine();
        text.AppendLine("| CPU µs per item: ScoreBatch | map | encode | parse | floor | chunked stream | one-id stream | floor / batch (CPU) | chunked stream / floor (CPU) | chunked stream / batch (rate) |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        double PerItem(double seconds) => seconds * 1e6 / s.Items;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {PerItem(s.BatchCpuSeconds):0.00} | {PerItem(mapped):0.00} | {PerItem(encoded):0.00} | {PerItem(parsed):0.00} | {PerItem(s.FloorCpuSeconds):0.00} | {PerItem(s.ChunkedCpuSeconds):0.00} | {PerItem(s.StreamCpuSeconds):0.00} | {s.FloorVsBatch:0.00} | {s.ChunkedCpuSeconds / s.FloorCpuSeconds:0.00} | {s.ChunkedPerSecond / s.BatchPerSecond:0.00} |");
        text.AppendLine();
        text.AppendLine(Aims(r));
        text.AppendLine();
        var w = r.Write;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"**Write-back vs raw Appender.** A second DuckDB file holds {w.Opportunities:N0} open synthetic opportunities (the generated ones copied with new ids) and the generated accounts as a published feature mart; `FeatureStore.Load` reads them (untimed). `ScoreWriteBack.Run` then scores everything (timed apart: \"score\") and writes (\"write phase\", from the end of scoring to the commit, from its own progress reports): open connection, delete and Appender-insert the latest opportunity scores (the dialect's bulk write, `IWarehouseDialect.StageRows`, rows and their factor JSON made in chunks on pool threads, up to one chunk per core ahead), replace the day's history rows (delete + insert-select), the same for {w.Accounts:N0} accounts, the per-run scores (insert-select of every score with its JSON), the populations' drift (compared on a pool thread from the end of the latest opportunity scores' append, beside the copies) and its rows, the rest of the per-run score history (the factor rows per opportunity and family, the changes since the previous run), the run ledger row, commit; the score tables' data tests, which run inside the same transaction before the commit, are timed apart (\"data tests s\") and not counted in the write phase. \"Opportunity part\" is the opportunity half of that (latest table + daily history). The baseline appends the very opportunity rows the write-back stored (read back, untimed) with `DuckDBConnection.CreateAppender` into a plain table with the same 8 columns in the same file, one transaction, timed from opening the connection to the commit. The floor is what the write phase must store with nothing else (`MeasureFloor`): the same opportunity rows appended raw, copied by the same insert-selects into the daily and the per-run history, and the run's factor rows appended raw, into empty tables of the same columns, one transaction. The write-back writes under the dialect's bulk-write settings (`IWarehouseDialect.BeginBulkWrite`; DuckDB: one thread); the raw Appender and the floor are each measured twice, with DuckDB's default settings (the reference of the aim) and with the bulk-write settings (\"1 thread\"); the floor a third time with the bulk-write settings and every appended text given as UTF-8 bytes, as the write-back gives its factor JSON (\"1 thread UTF-8\").");
        text.AppendLine();
        text.AppendLine("| opportunities | accounts | score s | write phase s | write phase rows/s | opportunity part s | opportunity part rows/s | raw Appender s | raw Appender rows/s | opportunity part / raw | write phase / raw (aim >= 0.5) | data tests s | write phase with data tests / raw | floor s | floor / raw | write phase / floor | raw Appender 1 thread s | floor 1 thread s | floor 1 thread / raw | write phase / floor 1 thread | write phase / raw 1 thread | floor 1 thread UTF-8 s | write phase / floor 1 thread UTF-8 |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {w.Opportunities:N0} | {w.Accounts:N0} | {w.Score:0.00} | {w.Write:0.00} | {w.WritePerSecond:N0} | {w.OpportunityPart:0.00} | {w.OpportunityPerSecond:N0} | {w.Raw:0.00} | {w.RawPerSecond:N0} | {w.OpportunityPerSecond / w.RawPerSecond:0.00} | {w.WritePerSecond / w.RawPerSecond:0.00} | {w.Tests:0.00} | {(w.Opportunities + w.Accounts) / (w.Write + w.Tests) / w.RawPerSecond:0.00} | {w.Floor:0.00} | {w.Raw / w.Floor:0.00} | {w.Floor / w.Write:0.00} | {w.RawBulk:0.00} | {w.FloorBulk:0.00} | {w.Raw / w.FloorBulk:0.00} | {w.FloorBulk / w.Write:0.00} | {w.RawBulk / w.Write * (w.Opportunities + w.Accounts) / w.RawRows:0.00} | {w.FloorUtf8:0.00} | {w.FloorUtf8 / w.Write:0.00} |");
        text.AppendLine();
        text.AppendLine("Write phase by step (seconds, then process CPU seconds, from the write-back's own step timers; \"open and stage\" runs before the transaction, \"data tests\" is the column above):");
        text.AppendLine();
        text.AppendLine($"| {string.Join(" | ", w.Steps.Select(s => s.Name))} |");
        text.AppendLine($"|{string.Concat(Enumerable.Repeat("---:|", w.Steps.Count))}");
        text.AppendLine(CultureInfo.InvariantCulture, $"| {string.Join(" | ", w.Steps.Select(s => s.Seconds.ToString("0.00", CultureInfo.InvariantCulture)))} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| {string.Join(" | ", w.Steps.Select(s => s.CpuSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " CPU"))} |");
        text.AppendLine();
        var b = w.Beyond;
        text.AppendLine(
            "**The full floor.** The floor above stores the rows and nothing else; the write phase must also make every score's `top_factors` JSON (stored in the score tables and the per-run history) and compare the populations' drift (stored in `mrt_feature_drift`), neither of which the raw Appender or the floor pays. Each is timed alone after the floors, on one thread with nothing beside it (`MeasureBeyondFloor`: the write-back's own JSON chunk writer and drift call over the same scores, made again untimed), wall and process CPU; the full floor is the floor plus both, one after the other. The write-back overlaps them with its appends on pool threads, so on two free cores it can go under the full floor's wall time, never under its CPU. The factor rows made from the scores (also the write-back's own work, appended in the floor from a read-back copy) are shown beside them, not counted in the full floor.");
        text.AppendLine();
        text.AppendLine("| factor JSON s (CPU s) | drift s (CPU s) | factor rows made s (CPU s) | full floor s | full floor / raw | write phase / full floor | full floor 1 thread s | write phase / full floor 1 thread | write phase CPU s | full floor CPU s | full floor 1 thread CPU s | write phase / full floor 1 thread, CPU |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {b.Json.Seconds:0.00} ({b.Json.CpuSeconds:0.00}) | {b.Drift.Seconds:0.00} ({b.Drift.CpuSeconds:0.00}) | {b.FactorRows.Seconds:0.00} ({b.FactorRows.CpuSeconds:0.00}) | {w.FullFloor:0.00} | {w.Raw / w.FullFloor:0.00} | {w.FullFloor / w.Write:0.00} | {w.FullFloorBulk:0.00} | {w.FullFloorBulk / w.Write:0.00} | {w.WriteCpu:0.00} | {w.FullFloorCpu:0.00} | {w.FullFloorBulkCpu:0.00} | {w.FullFloorBulkCpu / w.WriteCpu:0.00} |");
        return text.ToString();
    }

    /// <summary>A table with a row per concurrency level: the level, then <paramref name="cells"/> of its row.</summary>
    private static void UnaryTable(StringBuilder text, Results r, string[] columns, Func<UnaryRow, string> cells)
    {
        text.AppendLine($"| concurrency | {string.Join(" | ", columns)} |");
        text.AppendLine($"|{string.Concat(Enumerable.Repeat("---:|", columns.Length + 1))}");
        foreach (var row in r.Unary)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Uncached.Concurrency} | {cells(row)} |");
        }
    }

    /// <summary>
    /// The uncached call's work in process (each step alone on one thread), and the floor it gives per concurrency
    /// level: the empty call plus the scoring (the narrow floor), and the replayed answers (the transport with these
    /// answers' bytes and the client parsing them) plus the server's own work (request, score, map, encode).
    /// </summary>
    private static void FloorTables(StringBuilder text, Results r)
    {
        var w = r.Work;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Bytes allocated per call, the whole process (client, both servers, runtime): {string.Join("; ", r.Unary.Select(x => string.Create(CultureInfo.InvariantCulture,
                $"{x.Uncached.Concurrency} callers: uncached {x.Uncached.BytesPerCall:N0}, cached {x.Cached.BytesPerCall:N0}, replayed {x.Replayed.BytesPerCall:N0}, replayed + server work {x.ReplayedWork.BytesPerCall:N0}, Ping {x.Empty.BytesPerCall:N0}")))}.");
        text.AppendLine();
        text.AppendLine("What the runtime did per call beside the calls, the whole process over the same rounds, for the uncached call, the replayed answer and `Ping`: bytes allocated, collections per 1,000 calls (gen0 / gen1 / gen2: a gen1 collection counts in gen0 too), the collector's pauses (µs of wall time per call, every thread stopped), lock contentions per 1,000 calls and thread-pool work items completed per call.");
        text.AppendLine();
        UnaryTable(text, r, ["bytes: uncached", "replayed", "Ping", "GCs per 1,000: uncached", "replayed", "Ping", "GC pause µs: uncached", "replayed", "Ping", "contentions per 1,000: uncached", "Ping", "work items: uncached", "replayed", "Ping"],
            x => string.Create(CultureInfo.InvariantCulture,
                $"{x.Uncached.BytesPerCall:N0} | {x.Replayed.BytesPerCall:N0} | {x.Empty.BytesPerCall:N0} | {x.Uncached.GcsPerThousand} | {x.Replayed.GcsPerThousand} | {x.Empty.GcsPerThousand} | {x.Uncached.PauseMicrosPerCall:0.00} | {x.Replayed.PauseMicrosPerCall:0.00} | {x.Empty.PauseMicrosPerCall:0.00} | {x.Uncached.ContentionsPerThousand:0.0} | {x.Empty.ContentionsPerThousand:0.0} | {x.Uncached.WorkItemsPerCall:0.00} | {x.Replayed.WorkItemsPerCall:0.00} | {x.Empty.WorkItemsPerCall:0.00}"));
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"**The uncached call's floor.** What an uncached one-id call must do besides the transport, each step alone in process on one thread, over the served ids in turn, after the unary rounds ({FloorStepSeconds.ToString(CultureInfo.InvariantCulture)} s each after as long a warm-up; process CPU and bytes allocated per call):");
        text.AppendLine();
        text.AppendLine("| step | CPU µs per call | bytes allocated per call |");
        text.AppendLine("|---|---:|---:|");
        foreach (var (name, step) in w.Steps)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {step.Micros:0.00} | {step.Bytes:N0} |");
        }

        text.AppendLine();
        text.AppendLine("Floors per concurrency level, from this run's calls: \"Ping + score\" is the empty call plus the lookup and scoring of one id (the narrow floor); \"replayed + server work\" is the replayed answers' call (the transport with these answers' bytes, and the client parsing them) plus the server's own steps above (request parse, lookup and score, map, encode), the floor a call sending the same bytes must pay, with the steps at their tight-loop cost; \"in the call\" is the same floor measured as one call (the fifth contender: the replayed answer, then the same steps on the same id in the caller's continuation), so the steps pay what the call's conditions cost them (caches left cold between one caller's calls, threads waking), as the uncached call's do. Each as CPU µs per call and over Ping's, beside the measured uncached call.");
        text.AppendLine();
        UnaryTable(text, r, ["uncached µs", "Ping µs", "Ping + score µs", "replayed + server work µs", "in the call µs", "uncached / Ping", "floor (Ping + score) / Ping", "floor (replayed + server work) / Ping", "in the call / Ping", "uncached / floor (replayed + server work)", "uncached / in the call", "per round"],
            x => string.Create(CultureInfo.InvariantCulture,
                $"{x.Uncached.CpuMicrosPerCall:0.0} | {x.Empty.CpuMicrosPerCall:0.0} | {x.Empty.CpuMicrosPerCall + w.Score.Micros:0.0} | {x.Replayed.CpuMicrosPerCall + w.ServerMicros:0.0} | {x.ReplayedWork.CpuMicrosPerCall:0.0} | {x.Uncached.CpuMicrosPerCall / x.Empty.CpuMicrosPerCall:0.00} | {(x.Empty.CpuMicrosPerCall + w.Score.Micros) / x.Empty.CpuMicrosPerCall:0.00} | {(x.Replayed.CpuMicrosPerCall + w.ServerMicros) / x.Empty.CpuMicrosPerCall:0.00} | {x.ReplayedWork.CpuMicrosPerCall / x.Empty.CpuMicrosPerCall:0.00} | {x.Uncached.CpuMicrosPerCall / (x.Replayed.CpuMicrosPerCall + w.ServerMicros):0.00} | {x.Uncached.CpuMicrosPerCall / x.ReplayedWork.CpuMicrosPerCall:0.00} | {RoundRatios.Of(x.Uncached.RoundCpuMicros, x.ReplayedWork.RoundCpuMicros)}"));
        text.AppendLine();
        text.AppendLine("**The uncached call above `Ping`, split.** (a) What the answer's bytes cost: the replayed answers' call over `Ping` (the transport carrying these bytes and the client parsing them; the bytes on the wire are fixed, so this is a floor the call must pay). (b) What the server's own steps cost in the call: the uncached call over the replayed one (request parsed, id checked, snapshot, lookup, score, map, encode), beside the same steps in the tight loop above. Both as CPU µs per call and as a share of `Ping`'s, from this run's totals: uncached / Ping = 1 + (a) + (b).");
        text.AppendLine();
        UnaryTable(text, r, ["Ping µs", "(a) answer's bytes µs", "(a) / Ping", "(b) server's steps in the call µs", "(b) / Ping", "(b) in the tight loop µs", "(b) in the call / in the tight loop", "uncached / Ping", "1 + (a): the answer's-bytes floor"],
            x => string.Create(CultureInfo.InvariantCulture,
                $"{x.Empty.CpuMicrosPerCall:0.0} | {x.Replayed.CpuMicrosPerCall - x.Empty.CpuMicrosPerCall:0.0} | {(x.Replayed.CpuMicrosPerCall - x.Empty.CpuMicrosPerCall) / x.Empty.CpuMicrosPerCall:0.00} | {x.Uncached.CpuMicrosPerCall - x.Replayed.CpuMicrosPerCall:0.0} | {(x.Uncached.CpuMicrosPerCall - x.Replayed.CpuMicrosPerCall) / x.Empty.CpuMicrosPerCall:0.00} | {w.ServerMicros:0.0} | {(x.Uncached.CpuMicrosPerCall - x.Replayed.CpuMicrosPerCall) / w.ServerMicros:0.00} | {x.Uncached.CpuMicrosPerCall / x.Empty.CpuMicrosPerCall:0.00} | {x.Replayed.CpuMicrosPerCall / x.Empty.CpuMicrosPerCall:0.00}"));
    }

    /// <summary>This run against the serving aims (issue 22 point 2), in one line.</summary>
    private static string Aims(Results r)
    {
        static string Met(bool met) => met ? "met" : "not met";
        var cpu = string.Join(", ", r.Unary.Select(x => (x.Empty.Concurrency, Ratio: x.Uncached.CpuMicrosPerCall / x.Empty.CpuMicrosPerCall))
            .Select(u => string.Create(CultureInfo.InvariantCulture, $"{u.Ratio:0.000} at {u.Concurrency}{(u.Concurrency == UnaryAimCallers ? $" ({Met(u.Ratio <= UnaryCpuAim)})" : "")}")));
        var chunked = r.Stream.ChunkedPerSecond / r.Stream.BatchPerSecond;
        var floor = r.Unary.FirstOrDefault(x => x.Empty.Concurrency == UnaryAimCallers) is { } aimRow
            ? ((aimRow.Replayed.CpuMicrosPerCall + r.Work.ServerMicros) / aimRow.Empty.CpuMicrosPerCall).ToString("0.00", CultureInfo.InvariantCulture)
            : "(not measured)";
        var inCall = string.Join(", ", r.Unary.Select(x => string.Create(CultureInfo.InvariantCulture,
            $"{x.ReplayedWork.CpuMicrosPerCall / x.Empty.CpuMicrosPerCall:0.00} at {x.Empty.Concurrency}")));
        var bytesFloor = string.Join(", ", r.Unary.Select(x => string.Create(CultureInfo.InvariantCulture,
            $"{x.Replayed.CpuMicrosPerCall / x.Empty.CpuMicrosPerCall:0.00} at {x.Empty.Concurrency}")));
        return string.Create(CultureInfo.InvariantCulture,
            $"**Against the aims** (this run, ratios over the totals): process CPU per uncached one-id scoring call at most {UnaryCpuAim:0.00}x the empty call's at {UnaryAimCallers} callers: {cpu}{(r.Unary.Any(x => x.Empty.Concurrency == UnaryAimCallers) ? "" : $" ({UnaryAimCallers} callers not measured)")}; chunked stream at least {StreamAim:0.0}x in-process batch scoring: {chunked:0.00} with {StreamChunk} ids per message ({Met(chunked >= StreamAim)}), {r.Stream.StreamPerSecond / r.Stream.BatchPerSecond:0.00} with one (no aim). Floors in the same run: uncached / Ping at {UnaryAimCallers} callers at least {floor} (the replayed answers plus the server's own work, over Ping), measured in the call: {inCall}, and the answer's bytes alone (replayed / Ping): {bytesFloor}; the chunked stream on one core at most {r.Stream.FloorVsBatch:0.00}x the batch.");
    }

    /// <summary>Process CPU per uncached one-id scoring call over the empty call's, at most, at <see cref="UnaryAimCallers"/>.</summary>
    private const double UnaryCpuAim = 1.35;

    private const int UnaryAimCallers = 64;

    private const double StreamAim = 0.5;
}
