using System.Diagnostics;
using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using GtmMart.Cli.Output;
using GtmMart.Serving;
using GtmMart.Warehouse.Connection;
using Spectre.Console;

namespace GtmMart.Bench.Serving;

public sealed partial class ServingBenchCommand
{
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
        var cpuMarks = new Dictionary<string, double>(StringComparer.Ordinal);
        using var process = Process.GetCurrentProcess();
        var progress = new InlineProgress<string>(message =>
        {
            var at = watch.Elapsed.TotalSeconds;
            process.Refresh();
            var cpu = process.TotalProcessorTime.TotalSeconds;
            var key = message.StartsWith("scoring ", StringComparison.Ordinal) && !marks.ContainsKey("score") ? "score"
                : message.StartsWith("scored in", StringComparison.Ordinal) ? "write"
                : message.Contains("opportunity scores", StringComparison.Ordinal) ? "opportunities"
                : message.StartsWith("testing the score tables", StringComparison.Ordinal) ? "tests"
                : message.StartsWith("data tests:", StringComparison.Ordinal) ? "tested"
                : message.StartsWith("committed", StringComparison.Ordinal) ? "committed"
                : null;
            if (key is not null)
            {
                marks[key] = at;
                cpuMarks[key] = cpu;
            }

            AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(message)} ({at:0.00}s)[/]");
        });
        var (gen0, gen1, gen2, paused) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        var result = new ScoreWriteBack(target).Run(models, features, "bench-serving", progress);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"  garbage collections during the write-back (scoring and write): gen0 {GC.CollectionCount(0) - gen0}, gen1 {GC.CollectionCount(1) - gen1}, gen2 {GC.CollectionCount(2) - gen2}, paused {(GC.GetTotalPauseDuration() - paused).TotalSeconds:0.00}s; heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1e9:0.00} GB"));
        foreach (var mark in new[] { "score", "write", "opportunities", "tests", "tested", "committed" })
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
            connection.Execute("create table bench_raw_scores_bulk as select * from bench_raw_scores limit 0");
            scoreRows = connection.Query(
                $"select opportunity_id, score, probability, top_factors, model_name, model_version, run_id, scored_at from {ScoreTables.Schema}.{ScoreTables.Opportunities}",
                r => new object?[] { r.GetString(0), r.GetInt32(1), r.GetDouble(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetDateTime(7) });
        }

        var rawRows = scoreRows.Count;
        var rawSeconds = MeasureRaw(target, scoreRows, "bench_raw_scores", bulkWrite: false);
        var rawOneThread = MeasureRaw(target, scoreRows, "bench_raw_scores_bulk", bulkWrite: true);
        var floor = MeasureFloor(target, scoreRows, "floor", bulkWrite: false);
        var floorBulk = MeasureFloor(target, scoreRows, "floor_bulk", bulkWrite: true);
        var floorUtf8 = MeasureFloor(target, scoreRows, "floor_utf8", bulkWrite: true, utf8: true).Seconds;
        scoreRows.Clear();
        var beyond = MeasureBeyondFloor(models, features);
        var write = new WriteResult(
            result.Opportunities,
            result.Accounts,
            marks["write"] - marks["score"],
            marks["committed"] - marks["write"] - (marks["tested"] - marks["tests"]),
            marks["opportunities"] - marks["write"],
            rawSeconds,
            rawRows,
            marks["tested"] - marks["tests"],
            floor.Seconds,
            result.Steps,
            rawOneThread,
            floorBulk.Seconds,
            floorUtf8)
        {
            WriteCpu = cpuMarks["committed"] - cpuMarks["write"] - (cpuMarks["tested"] - cpuMarks["tests"]),
            FloorCpu = floor.CpuSeconds,
            FloorBulkCpu = floorBulk.CpuSeconds,
            Beyond = beyond,
        };
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"  write phase steps: {Steps(result.Steps)}"));
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"  write-back write phase {write.WritePerSecond:N0} rows/s (opportunity part {write.OpportunityPerSecond:N0} rows/s; data tests {write.Tests:0.00}s apart); raw Appender {write.RawPerSecond:N0} rows/s ({write.RawBulk:0.00}s with the bulk-write settings); floor {write.Floor:0.00}s, {write.FloorBulk:0.00}s with the bulk-write settings, {write.FloorUtf8:0.00}s with them and the text appended as UTF-8"));
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"  full floor (floor + factor JSON + drift, one after the other) {write.FullFloor:0.00}s, {write.FullFloorBulk:0.00}s with the bulk-write settings; write phase / full floor {write.FullFloor / write.Write:0.00} ({write.FullFloorBulk / write.Write:0.00}); CPU s: write phase {write.WriteCpu:0.00}, full floor {write.FullFloorCpu:0.00} ({write.FullFloorBulkCpu:0.00})"));
        return write;
    }

    /// <summary>
    /// The raw baseline: the score rows appended to <paramref name="table"/> in one transaction, timed from opening the
    /// connection to the commit; with <paramref name="bulkWrite"/>, under the dialect's bulk-write settings (as the
    /// write-back writes).
    /// </summary>
    private static double MeasureRaw(DuckDbWarehouse target, List<object?[]> scoreRows, string table, bool bulkWrite)
    {
        var watch = Stopwatch.StartNew();
        using (var connection = (DuckDBConnection)target.Open())
        {
            using var settings = bulkWrite ? target.Dialect.BeginBulkWrite(connection) : null;
            using var transaction = connection.BeginTransaction();
            AppendScoreRows(connection, table, scoreRows);
            transaction.Commit();
        }

        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>The opportunity score rows (as read back) appended by a raw DuckDB Appender, typed values, no conversion.</summary>
    private static void AppendScoreRows(DuckDBConnection connection, string table, List<object?[]> scoreRows)
    {
        using var appender = connection.CreateAppender(table);
        foreach (var values in scoreRows)
        {
            appender.CreateRow()
                .AppendValue((string)values[0]!).AppendValue((int)values[1]!).AppendValue((double)values[2]!)
                .AppendValue((string)values[3]!).AppendValue((string)values[4]!).AppendValue((string)values[5]!)
                .AppendValue((string)values[6]!).AppendValue((DateTime)values[7]!)
                .EndRow();
        }
    }

    /// <summary>
    /// As <see cref="AppendScoreRows"/>, every text already UTF-8 (<see cref="Utf8Rows"/>, made untimed): DuckDB.NET
    /// hands the bytes to DuckDB's vector as they are instead of converting each string.
    /// </summary>
    private static void AppendScoreRowsUtf8(DuckDBConnection connection, string table, List<object?[]> scoreRows)
    {
        using var appender = connection.CreateAppender(table);
        foreach (var values in scoreRows)
        {
            appender.CreateRow()
                .AppendValue((byte[])values[0]!).AppendValue((int)values[1]!).AppendValue((double)values[2]!)
                .AppendValue((byte[])values[3]!).AppendValue((byte[])values[4]!).AppendValue((byte[])values[5]!)
                .AppendValue((byte[])values[6]!).AppendValue((DateTime)values[7]!)
                .EndRow();
        }
    }

    /// <summary>The rows with every string value encoded as UTF-8 bytes.</summary>
    private static List<object?[]> Utf8Rows(List<object?[]> rows) =>
        [.. rows.Select(r => r.Select(v => v is string s ? Encoding.UTF8.GetBytes(s) : v).ToArray())];

    /// <summary>
    /// The write phase's floor: what its transaction must store, with nothing else. The same opportunity score rows
    /// appended raw (read back, untimed), copied into the daily history and the per-run score history by the same
    /// insert-selects the write-back runs, and the run's factor rows (read back from <c>history.score_factors</c>)
    /// appended raw, into empty tables of the same columns, in one transaction, timed from opening the connection to
    /// the commit. The 2,000 account rows, the drift rows, the change rows (none on a first run) and the ledger row
    /// are left out. With <paramref name="bulkWrite"/>, under the dialect's bulk-write settings (as the write-back
    /// writes); <paramref name="prefix"/> names the tables. With <paramref name="utf8"/>, every text of the appended rows
    /// is given as UTF-8 bytes (encoded untimed), as the write-back gives its factor JSON and constant texts.
    /// </summary>
    private static Timing MeasureFloor(DuckDbWarehouse target, List<object?[]> scoreRows, string prefix, bool bulkWrite, bool utf8 = false)
    {
        List<object?[]> factorRows;
        using (var connection = target.Open())
        {
            connection.Execute($"create table {prefix}_scores as select * from mart.mrt_opportunity_scores limit 0");
            connection.Execute($"create table {prefix}_daily as select * from mart.mrt_score_history_daily limit 0");
            connection.Execute($"create table {prefix}_history as select * from history.scores limit 0");
            connection.Execute($"create table {prefix}_factors as select * from history.score_factors limit 0");
            factorRows = connection.Query(
                "select run_id, entity_type, entity_id, family, contribution from history.score_factors where run_id = 'bench-serving'",
                r => new object?[] { r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetDouble(4) });
        }

        var appendedScores = utf8 ? Utf8Rows(scoreRows) : scoreRows;
        if (utf8)
        {
            factorRows = Utf8Rows(factorRows);
        }

        var day = DateOnly.FromDateTime((DateTime)scoreRows[0][7]!);
        // The write-back's own step clock (wall and process CPU per step), so the floor's steps read like the write phase's.
        var clock = new WriteBackClock();
        void Mark(string step) => clock.Mark(step);

        using (var connection = (DuckDBConnection)target.Open())
        {
            using var settings = bulkWrite ? target.Dialect.BeginBulkWrite(connection) : null;
            using var transaction = connection.BeginTransaction();
            if (utf8)
            {
                AppendScoreRowsUtf8(connection, $"{prefix}_scores", appendedScores);
            }
            else
            {
                AppendScoreRows(connection, $"{prefix}_scores", appendedScores);
            }

            Mark("open and scores");
            connection.Execute(
                $"""
                insert into {prefix}_daily (score_date, entity_type, entity_id, score, tier, model_version, run_id)
                select $day, 'opportunity', opportunity_id, cast(score as double), cast(null as varchar), model_version, run_id from {prefix}_scores
                """,
                ("day", day));
            Mark("daily history");
            connection.Execute(
                $"""
                insert into {prefix}_history (run_id, entity_type, entity_id, score, probability, tier, model_name, model_version, top_factors, scored_at)
                select run_id, 'opportunity', opportunity_id, cast(score as double), probability, cast(null as varchar), model_name, model_version, top_factors, scored_at
                from {prefix}_scores
                """);
            Mark("per-run scores");
            using (var appender = connection.CreateAppender($"{prefix}_factors"))
            {
                foreach (var values in factorRows)
                {
                    var row = appender.CreateRow();
                    for (var i = 0; i < 4; i++)
                    {
                        _ = values[i] is byte[] bytes ? row.AppendValue(bytes) : row.AppendValue((string)values[i]!);
                    }

                    row.AppendValue((double)values[4]!).EndRow();
                }
            }

            Mark("factor rows");
            transaction.Commit();
        }

        Mark("commit");

        var seconds = clock.Elapsed.TotalSeconds;
        var cpuSeconds = clock.Steps.Sum(s => s.CpuSeconds);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"  floor{(bulkWrite ? " (bulk-write settings)" : "")}{(utf8 ? " (text as UTF-8)" : "")}: {scoreRows.Count:N0} score rows appended, copied to the daily and per-run history, {factorRows.Count:N0} factor rows appended: {seconds:0.00}s ({Steps(clock.Steps)}); {cpuSeconds:0.00} CPU s"));
        return new Timing(seconds, cpuSeconds);
    }

    /// <summary>Steps as printed: "name 1.23s (1.45 CPU), ...".</summary>
    private static string Steps(IEnumerable<WriteBackStep> steps) =>
        string.Join(", ", steps.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} {s.Seconds:0.00}s ({s.CpuSeconds:0.00} CPU)")));
}
