using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using GtmMart.Cli.Commands;
using GtmMart.DemoData;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Loading;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Bench.Mart;

/// <summary>
/// Generates data at each requested size, loads and builds it, and in the same run times DuckDB doing one
/// GROUP BY pass over the same raw tables (the lower bound the build is compared with) and copying the raw sessions
/// into a table once (the floor of any build that materializes a per-session fact).
/// </summary>
public sealed class MartBenchCommand : Command<MartBenchCommand.Settings>
{
    public sealed class Settings : BenchSettings
    {
        [CommandOption("--sessions <LIST>")]
        [Description("Comma-separated session counts to run")]
        [DefaultValue("1000000,10000000")]
        public string Sessions { get; init; } = "1000000,10000000";

        [CommandOption("--accounts <N>")]
        [Description("Accounts in every generated data set")]
        [DefaultValue(100_000)]
        public int Accounts { get; init; } = 100_000;

        [CommandOption("--days <N>")]
        [Description("Days of history in every generated data set (one more day is generated and appended for the daily build)")]
        [DefaultValue(270)]
        public int Days { get; init; } = 270;

        [CommandOption("--daily-up-to <N>")]
        [Description("Measure the daily append and incremental build (against a full refresh) for sizes up to this many sessions")]
        [DefaultValue(10_000_000L)]
        public long DailyUpTo { get; init; } = 10_000_000;

        [CommandOption("--work <DIR>")]
        [Description("Scratch folder for generated files and warehouses (deleted per size)")]
        public string Work { get; init; } = Path.Combine(".gtm", "bench");
    }

    private sealed record Row(
        long Sessions, long RawRows, double Generate, double Load, long LoadPeak, double Build, long BuildPeak, double Models, double Tests, double LowerBound, double CopyFloor,
        double OutputFloor, string OutputTables);

    private sealed record Daily(long Sessions, long NewSessions, double Append, double Incremental, string Mode, double FullRefresh, double CopyFloor, long Peak, string Slowest);

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var sizes = BenchSettings.Numbers(settings.Sessions);
        var catalog = Warehouse.Models.ModelCatalog.Load(settings.SqlDir);
        var rows = new List<Row>();
        var daily = new List<Daily>();
        foreach (var sessions in sizes)
        {
            var folder = Path.Combine(settings.Work, $"s{sessions}");
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            // One more day than the history: the history is loaded and built, then the last day arrives on its own.
            var all = Path.Combine(folder, "all");
            var history = Path.Combine(folder, "history");
            var day = Path.Combine(folder, "day");
            var warehouse = new DuckDbWarehouse(Path.Combine(folder, "bench.duckdb"));
            var generate = Time(() => PipelineSteps.Generate(
                new GeneratorOptions { OutputDirectory = all, Accounts = settings.Accounts, Seed = 1, Sessions = sessions, Days = settings.Days + 1 }, cancellationToken));
            var newSessions = DaySplit.Split(all, history, day, new DateOnly(2025, 1, 1).AddDays(settings.Days));
            Directory.Delete(all, recursive: true);

            LoadReport? report = null;
            PeakMemory.Reset();
            var load = Time(() => report = PipelineSteps.Load(warehouse, history));
            var loadPeak = PeakMemory.Bytes();
            Warehouse.Building.BuildResult? result = null;
            PeakMemory.Reset();
            var build = Time(() => result = PipelineSteps.Build(warehouse, catalog, cancellationToken, fullRefresh: true, timings: true));
            var buildPeak = PeakMemory.Bytes();
            var lowerBound = Time(() => LowerBound(warehouse));
            var copyFloor = Time(() => CopySessions(warehouse));
            var outputs = SessionGrainTables(result!, report!);
            var outputFloor = Time(() => CopyTables(warehouse, outputs));
            var outputTables = string.Join(", ", outputs.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Model} ({o.Rows:N0} rows)")));
            rows.Add(new Row(sessions, report!.Loaded, generate, load, loadPeak, build, buildPeak, result!.ModelTime.TotalSeconds, result.TestTime.TotalSeconds, lowerBound, copyFloor, outputFloor, outputTables));
            AnsiConsole.MarkupLine($"[bold]{sessions:N0} sessions[/]: load {load:0.0}s, full build {build:0.0}s ({build / copyFloor:0.0}x the copy floor {copyFloor:0.0}s, {build / outputFloor:0.0}x the output floor {outputFloor:0.0}s)");

            if (sessions <= settings.DailyUpTo)
            {
                PeakMemory.Reset();
                var append = Time(() => PipelineSteps.Load(warehouse, day, new LoadOptions { Append = true }));
                Warehouse.Building.BuildResult? incremental = null;
                var incrementalTime = Time(() => incremental = PipelineSteps.Build(warehouse, catalog, cancellationToken, timings: true));
                var fullRefresh = Time(() => PipelineSteps.Build(warehouse, catalog, cancellationToken, fullRefresh: true, timings: true));
                var floor = Time(() => CopySessions(warehouse));
                var slowest = string.Join(", ", incremental!.Timings.OrderByDescending(t => t.Elapsed).Take(5)
                    .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name} {t.Elapsed.TotalSeconds:0.0}s")));
                daily.Add(new Daily(sessions, newSessions, append, incrementalTime, incremental.Mode, fullRefresh, floor, PeakMemory.Bytes(), slowest));
                AnsiConsole.MarkupLine($"[bold]{sessions:N0} sessions + 1 day[/]: incremental {incrementalTime:0.0}s vs full refresh {fullRefresh:0.0}s ({incrementalTime / fullRefresh:P0})");
            }

            Directory.Delete(folder, recursive: true);
        }

        var markdown = Render(rows, daily, settings);
        MarkdownSection.Write(settings.Out, "mart", markdown);
        Console.Out.Write(markdown);
        return 0;
    }

    /// <summary>
    /// One GROUP BY pass per raw table, aggregating what the mart aggregates (by day and channel source), and
    /// nothing else: what any build must at least do to read its inputs once.
    /// </summary>
    private static void LowerBound(DuckDbWarehouse warehouse)
    {
        using var connection = warehouse.Open();
        connection.Execute(
            """
            create or replace temp table lb_sessions as
            select session_date, coalesce(utm_source, '') as utm_source, count(*) as sessions, sum(case when conversions > 0 then 1 else 0 end) as forms
            from raw.web_analytics group by all
            """);
        connection.Execute(
            "create or replace temp table lb_spend as select date, utm_source, sum(spend_usd), sum(clicks), sum(impressions) from raw.ad_spend group by all");
        connection.Execute(
            "create or replace temp table lb_opps as select created_date, source, count(*), sum(amount_usd) from raw.salesforce_opportunities group by all");
    }

    /// <summary>
    /// One copy of the raw sessions into a table of the same file (then dropped), with the build's setting
    /// (insertion order not kept): what materializing any per-session table costs, before any cleaning or joining.
    /// </summary>
    private static void CopySessions(DuckDbWarehouse warehouse)
    {
        using var connection = warehouse.Open();
        warehouse.Dialect.PrepareForBulkWork(connection);
        connection.Execute("create or replace table main.bench_copy_floor as select * from raw.web_analytics");
        connection.Execute("drop table main.bench_copy_floor");
    }

    /// <summary>The tables the build wrote with at least one row per loaded session: what any build producing this mart must write.</summary>
    private static List<Warehouse.Building.ModelRun> SessionGrainTables(Warehouse.Building.BuildResult result, LoadReport report)
    {
        var sessions = report.Sources.Where(s => s.Source == "web_analytics").Sum(s => s.Loaded);
        return result.Models.Where(r => r.Rows >= sessions && !r.Model.StartsWith("staging.", StringComparison.Ordinal)).ToList();
    }

    /// <summary>
    /// Copies each finished table once into a table of the same file (then drops them), with the build's setting: the
    /// output-materialization floor, the cost of writing the session-grain tables the mart holds, however computed.
    /// </summary>
    private static void CopyTables(DuckDbWarehouse warehouse, IEnumerable<Warehouse.Building.ModelRun> tables)
    {
        using var connection = warehouse.Open();
        warehouse.Dialect.PrepareForBulkWork(connection);
        foreach (var table in tables)
        {
            connection.Execute($"create or replace table main.bench_output_floor as select * from {table.Model}");
            connection.Execute("drop table main.bench_output_floor");
        }
    }

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    private static string Render(List<Row> rows, List<Daily> daily, Settings settings)
    {
        var text = new StringBuilder();
        text.AppendLine("## Load and build (issue: warehouse and three-layer mart; issue 21: incremental daily builds, growth)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Command: `dotnet run --project bench/GtmMart.Bench -c Release -- mart --sessions {settings.Sessions} --accounts {settings.Accounts} --days {settings.Days} --daily-up-to {settings.DailyUpTo}`  ");
        text.AppendLine(MarkdownSection.MachineLine());
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Data: demo generator, seed 1, {settings.Accounts:N0} accounts, {settings.Days} days of history plus one more day written apart (the \"new day\"). DuckDB memory_limit {DuckDbWarehouse.MemoryLimit}, spilling to a temp folder beside the database. Other helpers' jobs share the 2 cores, so compare the ratios (each pairs two timings of the same run on the same data), not seconds across runs.");
        text.AppendLine("Copy floor: DuckDB copying `raw.web_analytics` once into a table of the same file (`create table ... as select *`, insertion order not kept, as the build runs): what writing any per-session table costs. Output floor: the same copy (`create table ... as select *`) of every table the build wrote with at least one row per loaded session (listed below), from the finished tables: what writing the mart's session-grain tables costs, however they are computed. Lower bound: one GROUP BY pass (by day and source) over each raw table. Peak memory: the process's peak resident set during that step (reset before it, Linux `clear_refs`).");
        text.AppendLine();
        text.AppendLine("**Full load and build by size** (`gtm load --raw` of the history, `gtm build --full-refresh`):");
        text.AppendLine();
        text.AppendLine("| sessions | raw rows loaded | generate s | load s | load peak | full build s | models s | tests s | build peak | copy floor s | build / copy floor | output floor s | build / output floor | lower bound s | build / lower bound |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Sessions:N0} | {r.RawRows:N0} | {r.Generate:0.0} | {r.Load:0.0} | {Mib(r.LoadPeak)} | {r.Build:0.0} | {r.Models:0.0} | {r.Tests:0.0} | {Mib(r.BuildPeak)} | {r.CopyFloor:0.0} | {r.Build / r.CopyFloor:0.0}x | {r.OutputFloor:0.0} | {r.Build / r.OutputFloor:0.0}x | {r.LowerBound:0.00} | {r.Build / r.LowerBound:0.0}x |");
        }

        text.AppendLine();
        foreach (var r in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Output floor tables at {r.Sessions:N0} sessions: {r.OutputTables}.  ");
        }

        for (var i = 1; i < rows.Count; i++)
        {
            text.AppendLine();
            text.Append(CultureInfo.InvariantCulture,
                $"Growth {rows[i - 1].Sessions:N0} → {rows[i].Sessions:N0} sessions ({(double)rows[i].Sessions / rows[i - 1].Sessions:0.#}x the data): load {rows[i].Load / rows[i - 1].Load:0.0}x, full build {rows[i].Build / rows[i - 1].Build:0.0}x.");
        }

        text.AppendLine();
        text.AppendLine();
        text.AppendLine("**One new day** on top of the built history: `gtm load --append` of the day's files, then `gtm build` (incremental), then `gtm build --full-refresh` of the same data, side by side:");
        text.AppendLine();
        text.AppendLine("| history sessions | new day's sessions | append s | incremental build s | full refresh s | incremental / full refresh | copy floor s | full refresh / copy floor | peak | what the incremental build did | its five slowest steps (`gtm build --timings`) |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var d in daily)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {d.Sessions:N0} | {d.NewSessions:N0} | {d.Append:0.0} | {d.Incremental:0.0} | {d.FullRefresh:0.0} | {d.Incremental / d.FullRefresh:P0} | {d.CopyFloor:0.0} | {d.FullRefresh / d.CopyFloor:0.0}x | {Mib(d.Peak)} | {d.Mode} | {d.Slowest} |");
        }

        return text.ToString();
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1 << 20):N0} MiB");
}
