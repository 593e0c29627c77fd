using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using GtmMart.Bench.Training;
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

    /// <summary>One step's wall time, the process's CPU time (all threads) and its peak resident set.</summary>
    private sealed record Step(double Wall, double Cpu, long Peak);

    /// <summary>One size's figures; the build's are null while it runs (the row is written as soon as the load is measured).</summary>
    private sealed record Row(long Sessions, long RawRows, Step Generate, Step Load)
    {
        public Step? Build { get; init; }
        public double Models { get; init; }
        public double Tests { get; init; }
        public double LowerBound { get; init; }
        public Step CopyFloor { get; init; } = new(0, 0, 0);
        public Step OutputFloor { get; init; } = new(0, 0, 0);
        public string OutputTables { get; init; } = "";
        public Step FullOutputFloor { get; init; } = new(0, 0, 0);
        public string FullOutputTables { get; init; } = "";
    }

    private sealed record Daily(long Sessions, long NewSessions, double Append, Step Incremental, string Mode, Step FullRefresh, Step CopyFloor, long Peak, string Slowest);

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
            var generate = Measure(() => PipelineSteps.Generate(
                new GeneratorOptions { OutputDirectory = all, Accounts = settings.Accounts, Seed = 1, Sessions = sessions, Days = settings.Days + 1 }, cancellationToken));
            var newSessions = DaySplit.Split(all, history, day, new DateOnly(2025, 1, 1).AddDays(settings.Days));
            Directory.Delete(all, recursive: true);
            Progress($"{sessions:N0} sessions: generated in {generate.Wall:0.0}s");

            // Each figure is written (the section and the console) as soon as it is measured: a long run stopped
            // half-way keeps what it measured.
            LoadReport? report = null;
            var load = Measure(() => report = PipelineSteps.Load(warehouse, history));
            var row = new Row(sessions, report!.Loaded, generate, load);
            rows.Add(row);
            Write(rows, daily, settings);
            Progress($"{sessions:N0} sessions: load {load.Wall:0.0}s ({load.Cpu:0.0} CPU s, peak {Mib(load.Peak)})");

            Warehouse.Building.BuildResult? result = null;
            var build = Measure(() => result = PipelineSteps.Build(warehouse, catalog, cancellationToken, fullRefresh: true, timings: true));
            Progress($"{sessions:N0} sessions: full build {build.Wall:0.0}s ({build.Cpu:0.0} CPU s, peak {Mib(build.Peak)}); slowest: {Slowest(result!, 5)}");
            var lowerBound = Time(() => LowerBound(warehouse));
            var copyFloor = Measure(() => CopySessions(warehouse));
            var outputs = SessionGrainTables(result!, report!);
            var outputFloor = Measure(() => CopyTables(warehouse, outputs));
            var outputTables = string.Join(", ", outputs.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Model} ({o.Rows:N0} rows)")));
            var written = CoreAndMartTables(result!);
            var tested = TestedColumns(result!);
            var fullOutputFloor = Measure(() =>
            {
                CopyTables(warehouse, written);
                ScanTestedColumns(warehouse, tested);
            });
            var fullOutputTables = string.Create(CultureInfo.InvariantCulture,
                $"{written.Count} tables copied ({written.Sum(w => w.Rows):N0} rows), {tested.Count} tested relations scanned once ({tested.Sum(t => t.Columns.Count)} columns)");
            rows[^1] = row with
            {
                Build = build,
                Models = result!.ModelTime.TotalSeconds,
                Tests = result.TestTime.TotalSeconds,
                LowerBound = lowerBound,
                CopyFloor = copyFloor,
                OutputFloor = outputFloor,
                OutputTables = outputTables,
                FullOutputFloor = fullOutputFloor,
                FullOutputTables = fullOutputTables,
            };
            Write(rows, daily, settings);
            AnsiConsole.MarkupLine($"[bold]{sessions:N0} sessions[/]: load {load.Wall:0.0}s, full build {build.Wall:0.0}s ({build.Wall / copyFloor.Wall:0.0}x the copy floor {copyFloor.Wall:0.0}s, {build.Wall / outputFloor.Wall:0.0}x the output floor {outputFloor.Wall:0.0}s, {build.Wall / fullOutputFloor.Wall:0.0}x the full output floor {fullOutputFloor.Wall:0.0}s; CPU {build.Cpu / copyFloor.Cpu:0.0}x, {build.Cpu / outputFloor.Cpu:0.0}x and {build.Cpu / fullOutputFloor.Cpu:0.0}x)");

            if (sessions <= settings.DailyUpTo)
            {
                var append = Measure(() => PipelineSteps.Load(warehouse, day, new LoadOptions { Append = true }));
                Warehouse.Building.BuildResult? incremental = null;
                var incrementalTime = Measure(() => incremental = PipelineSteps.Build(warehouse, catalog, cancellationToken, timings: true));
                Warehouse.Building.BuildResult? refreshed = null;
                var fullRefresh = Measure(() => refreshed = PipelineSteps.Build(warehouse, catalog, cancellationToken, fullRefresh: true, timings: true));
                Progress($"{sessions:N0} sessions + 1 day: full refresh {fullRefresh.Wall:0.0}s ({fullRefresh.Cpu:0.0} CPU s); slowest: {Slowest(refreshed!, 5)}");
                var floor = Measure(() => CopySessions(warehouse));
                var peak = new[] { append, incrementalTime, fullRefresh, floor }.Max(step => step.Peak);
                daily.Add(new Daily(sessions, newSessions, append.Wall, incrementalTime, incremental!.Mode, fullRefresh, floor, peak, Slowest(incremental, 5)));
                Write(rows, daily, settings);
                AnsiConsole.MarkupLine($"[bold]{sessions:N0} sessions + 1 day[/]: incremental {incrementalTime.Wall:0.0}s vs full refresh {fullRefresh.Wall:0.0}s ({incrementalTime.Wall / fullRefresh.Wall:P0}; CPU {incrementalTime.Cpu / fullRefresh.Cpu:P0})");
            }

            Directory.Delete(folder, recursive: true);
        }

        Console.Out.Write(Render(rows, daily, settings));
        return 0;
    }

    private static void Write(List<Row> rows, List<Daily> daily, Settings settings) =>
        MarkdownSection.Write(settings.Out, "mart", Render(rows, daily, settings));

    private static void Progress(string line) =>
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:HH:mm:ss} {line}"));

    private static string Slowest(Warehouse.Building.BuildResult result, int count) =>
        string.Join(", ", result.Timings.OrderByDescending(t => t.Elapsed).Take(count)
            .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name} {t.Elapsed.TotalSeconds:0.0}s ({t.Cpu.TotalSeconds:0.0} CPU s)")));

    private static Step Measure(Action action)
    {
        PeakMemory.Reset();
        var cpu = ChildRun.OwnCpuSeconds();
        var wall = Time(action);
        return new Step(wall, ChildRun.OwnCpuSeconds() - cpu, PeakMemory.Bytes());
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

    /// <summary>Every core and mart table the build wrote (the seeds are copied from files, staging is views).</summary>
    private static List<Warehouse.Building.ModelRun> CoreAndMartTables(Warehouse.Building.BuildResult result) =>
        result.Models.Where(r => r.Model.StartsWith("core.", StringComparison.Ordinal) || r.Model.StartsWith("mart.", StringComparison.Ordinal)).ToList();

    /// <summary>Each relation the build's data tests read, with the columns they test (the tested column and the key columns).</summary>
    private static List<(string Model, IReadOnlyList<string> Columns)> TestedColumns(Warehouse.Building.BuildResult result) =>
        result.Tests.GroupBy(t => t.Test.Model, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<string>)g.SelectMany(t => t.Test.KeyColumns.Append(t.Test.Column ?? ""))
                .SelectMany(c => c.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)) // a unique test's "a, b"
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()))
            .ToList();

    /// <summary>
    /// One scan per tested relation counting the non-null values of every column its tests read: the least any data
    /// test of the relation must do (each reads those columns at least once), with none of the tests' own work.
    /// </summary>
    private static void ScanTestedColumns(DuckDbWarehouse warehouse, IEnumerable<(string Model, IReadOnlyList<string> Columns)> relations)
    {
        using var connection = warehouse.Open();
        foreach (var (model, columns) in relations)
        {
            var counts = columns.Count == 0 ? "count(*)" : string.Join(", ", columns.Select(c => $"count(\"{c.Replace("\"", "\"\"", StringComparison.Ordinal)}\")"));
            connection.Execute($"create or replace temp table bench_test_floor as select {counts} from {model}");
            connection.Execute("drop table bench_test_floor");
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
        text.AppendLine("Copy floor: DuckDB copying `raw.web_analytics` once into a table of the same file (`create table ... as select *`, insertion order not kept, as the build runs): what writing any per-session table costs. Output floor: the same copy (`create table ... as select *`) of every table the build wrote with at least one row per loaded session (listed below), from the finished tables: what writing the mart's session-grain tables costs, however they are computed. Full output floor: the same copy of every core and mart table the build wrote, plus one scan per relation the build's data tests read, counting the non-null values of the columns its tests read: what writing the whole mart and reading what the required tests check costs, with none of the computing or the tests' own work. Lower bound: one GROUP BY pass (by day and source) over each raw table. Peak memory: the process's peak resident set during that step (reset before it, Linux `clear_refs`). CPU s: the process's CPU time, all threads, user + system, during that step: on a machine other jobs share, a step waiting for a core adds wall time but no CPU time, so the CPU ratios are the steadier ones.");
        text.AppendLine();
        text.AppendLine("**Full load and build by size** (`gtm load --raw` of the history, `gtm build --full-refresh`):");
        text.AppendLine();
        text.AppendLine("| sessions | raw rows loaded | generate s | load s | load CPU s | load peak | full build s | build CPU s | models s | tests s | build peak | copy floor s (CPU s) | build / copy floor (CPU) | output floor s (CPU s) | build / output floor (CPU) | full output floor s (CPU s) | build / full output floor (CPU) | lower bound s | build / lower bound |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var load = string.Create(CultureInfo.InvariantCulture, $"| {r.Sessions:N0} | {r.RawRows:N0} | {r.Generate.Wall:0.0} | {r.Load.Wall:0.0} | {r.Load.Cpu:0.0} | {Mib(r.Load.Peak)} |");
            text.AppendLine(r.Build is not { } b
                ? load + " running | | | | | | | | | | | | |"
                : load + string.Create(CultureInfo.InvariantCulture,
                    $" {b.Wall:0.0} | {b.Cpu:0.0} | {r.Models:0.0} | {r.Tests:0.0} | {Mib(b.Peak)} | {r.CopyFloor.Wall:0.0} ({r.CopyFloor.Cpu:0.0}) | {b.Wall / r.CopyFloor.Wall:0.0}x ({b.Cpu / r.CopyFloor.Cpu:0.0}x) | {r.OutputFloor.Wall:0.0} ({r.OutputFloor.Cpu:0.0}) | {b.Wall / r.OutputFloor.Wall:0.0}x ({b.Cpu / r.OutputFloor.Cpu:0.0}x) | {r.FullOutputFloor.Wall:0.0} ({r.FullOutputFloor.Cpu:0.0}) | {b.Wall / r.FullOutputFloor.Wall:0.0}x ({b.Cpu / r.FullOutputFloor.Cpu:0.0}x) | {r.LowerBound:0.00} | {b.Wall / r.LowerBound:0.0}x |"));
        }

        text.AppendLine();
        foreach (var r in rows.Where(r => r.Build is not null))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Output floor tables at {r.Sessions:N0} sessions: {r.OutputTables}. Full output floor: {r.FullOutputTables}.  ");
        }

        for (var i = 1; i < rows.Count; i++)
        {
            var (before, after) = (rows[i - 1], rows[i]);
            text.AppendLine();
            text.Append(CultureInfo.InvariantCulture,
                $"Growth {before.Sessions:N0} → {after.Sessions:N0} sessions ({(double)after.Sessions / before.Sessions:0.#}x the data): load {after.Load.Wall / before.Load.Wall:0.0}x ({after.Load.Cpu / before.Load.Cpu:0.0}x CPU)");
            text.Append(before.Build is { } b0 && after.Build is { } b1
                ? string.Create(CultureInfo.InvariantCulture, $", full build {b1.Wall / b0.Wall:0.0}x ({b1.Cpu / b0.Cpu:0.0}x CPU).")
                : ", full build not measured yet.");
        }

        text.AppendLine();
        text.AppendLine();
        text.AppendLine("**One new day** on top of the built history: `gtm load --append` of the day's files, then `gtm build` (incremental), then `gtm build --full-refresh` of the same data, side by side:");
        text.AppendLine();
        text.AppendLine("| history sessions | new day's sessions | append s | incremental build s (CPU s) | full refresh s (CPU s) | incremental / full refresh (CPU) | copy floor s (CPU s) | full refresh / copy floor (CPU) | peak | what the incremental build did | its five slowest steps (`gtm build --timings`) |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var d in daily)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {d.Sessions:N0} | {d.NewSessions:N0} | {d.Append:0.0} | {d.Incremental.Wall:0.0} ({d.Incremental.Cpu:0.0}) | {d.FullRefresh.Wall:0.0} ({d.FullRefresh.Cpu:0.0}) | {d.Incremental.Wall / d.FullRefresh.Wall:P0} ({d.Incremental.Cpu / d.FullRefresh.Cpu:P0}) | {d.CopyFloor.Wall:0.0} ({d.CopyFloor.Cpu:0.0}) | {d.FullRefresh.Wall / d.CopyFloor.Wall:0.0}x ({d.FullRefresh.Cpu / d.CopyFloor.Cpu:0.0}x) | {Mib(d.Peak)} | {d.Mode} | {d.Slowest} |");
        }

        return text.ToString();
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1 << 20):N0} MiB");
}
