using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using GtmMart.Cli.Output;
using GtmMart.DemoData;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Loading;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

/// <summary>
/// Generates data at each requested size, loads and builds it, and in the same run times DuckDB doing one
/// GROUP BY pass over the same raw tables (the lower bound the build is compared with) and copying the raw sessions
/// into a table once (the floor of any build that materializes a per-session fact).
/// </summary>
public sealed class BenchCommand : Command<BenchCommand.Settings>
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

        [CommandOption("--work <DIR>")]
        [Description("Scratch folder for generated files and warehouses (deleted per size)")]
        public string Work { get; init; } = Path.Combine(".gtm", "bench");
    }

    private sealed record Row(
        long Sessions, long RawRows, double Generate, double Load, double Build, double Models, double Tests, double LowerBound, double CopyFloor, long PeakBytes);

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var sizes = BenchSettings.Numbers(settings.Sessions);
        var catalog = Warehouse.Models.ModelCatalog.Load(settings.SqlDir);
        var rows = new List<Row>();
        foreach (var sessions in sizes)
        {
            var folder = Path.Combine(settings.Work, $"s{sessions}");
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            var raw = Path.Combine(folder, "raw");
            var warehouse = new DuckDbWarehouse(Path.Combine(folder, "bench.duckdb"));
            var generate = Time(() => PipelineSteps.Generate(
                new GeneratorOptions { OutputDirectory = raw, Accounts = settings.Accounts, Seed = 1, Sessions = sessions }, cancellationToken));
            LoadReport? report = null;
            var load = Time(() => report = PipelineSteps.Load(warehouse, raw));
            Warehouse.Building.BuildResult? result = null;
            var build = Time(() => result = PipelineSteps.Build(warehouse, catalog, cancellationToken));
            var lowerBound = Time(() => LowerBound(warehouse));
            var copyFloor = Time(() => CopySessions(warehouse));
            rows.Add(new Row(sessions, report!.Loaded, generate, load, build, result!.ModelTime.TotalSeconds, result.TestTime.TotalSeconds,
                lowerBound, copyFloor, Process.GetCurrentProcess().PeakWorkingSet64));
            AnsiConsole.MarkupLine($"[bold]{sessions:N0} sessions[/]: load {load:0.0}s, build {build:0.0}s, lower bound {lowerBound:0.00}s, build/lower bound {build / lowerBound:0.0}x, copying the sessions {copyFloor:0.0}s ({copyFloor / lowerBound:0.0}x)");
            Directory.Delete(folder, recursive: true);
        }

        var markdown = Render(rows, settings);
        MarkdownSection.Write(settings.Out, "mart", markdown);
        AnsiConsole.WriteLine(markdown);
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

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    private static string Render(List<Row> rows, Settings settings)
    {
        var text = new StringBuilder();
        text.AppendLine("## Load and build (issue: warehouse and three-layer mart)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Command: `dotnet run --project src/GtmMart.Cli -c Release -- bench --sessions {settings.Sessions} --accounts {settings.Accounts}`  ");
        text.AppendLine(MarkdownSection.MachineLine());
        text.AppendLine();
        text.AppendLine("Lower bound: DuckDB doing one GROUP BY pass (by day and source) over each raw table, in the same run on the same warehouse.");
        text.AppendLine("Copy floor: DuckDB copying `raw.web_analytics` once into a table of the same file (`create table ... as select *`, insertion order not kept, as the build runs), in the same run: what writing any per-session table costs before cleaning or joining anything. The build must write one (`core.fct_web_sessions`: write-audit-publish tests and publishes tables, not views over raw data a later load can change), so a build that did nothing else would already be \"copy floor / lower bound\" times the lower bound.");
        text.AppendLine("Peak memory is the process's peak working set so far (DuckDB runs in-process), so it is cumulative across sizes.");
        text.AppendLine();
        text.AppendLine("| sessions | raw rows loaded | generate s | load s | build s (models + tests + publish) | models s | tests s | lower bound s | build / lower bound | copy floor s | copy floor / lower bound | peak memory |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Sessions:N0} | {r.RawRows:N0} | {r.Generate:0.0} | {r.Load:0.0} | {r.Build:0.0} | {r.Models:0.0} | {r.Tests:0.0} | {r.LowerBound:0.00} | {r.Build / r.LowerBound:0.0}x | {r.CopyFloor:0.0} | {r.CopyFloor / r.LowerBound:0.0}x | {r.PeakBytes / (1 << 20):N0} MiB |");
        }

        return text.ToString();
    }
}
