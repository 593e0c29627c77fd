using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;
using GtmMart.Cli.Commands;
using GtmMart.DemoData;
using GtmMart.Training;
using GtmMart.Training.Export;
using GtmMart.Warehouse.Connection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Bench.Training;

/// <summary>
/// The training peer benchmark (issue 23.4): on one exported feature snapshot, in one run, times `gtm train` (the real
/// command in a child process, 1 thread and all cores), scikit-learn's logistic regression and HistGradientBoosting
/// with early stopping (5-fold CV plus a final fit each, 1 thread and all) on the same Parquet file, and FastTree
/// against LightGBM on the same featurized split. Wall-clock and CPU time both, because the machine is shared.
/// </summary>
public sealed class PeerBenchCommand : Command<PeerBenchCommand.Settings>
{
    /// <summary>Opportunities per account per 90 days (src/GtmMart.DemoData/README.md), as the training benchmark sizes its data.</summary>
    private const double OpportunitiesPerAccountPer90Days = 1.87;

    public sealed class Settings : BenchSettings
    {
        [CommandOption("--opportunities <N>")]
        [Description("Target opportunities of the generated world (seed 1, 10 sessions per opportunity, as the training benchmark); ignored with --snapshot")]
        [DefaultValue(100_000)]
        public int Opportunities { get; init; } = 100_000;

        [CommandOption("--snapshot <DIR>")]
        [Description("Measure this feature snapshot (gtm export-features) instead of generating, loading, building and exporting one first")]
        public string? Snapshot { get; init; }

        [CommandOption("--gtm <DLL>")]
        [Description("The gtm command to time (default: the Release build in src/GtmMart.Cli)")]
        public string Gtm { get; init; } = Path.Combine("src", "GtmMart.Cli", "bin", "Release", "net10.0", "gtm.dll");

        [CommandOption("--python <PATH>")]
        [Description("Python with Debian's python3-sklearn")]
        [DefaultValue("/usr/bin/python3")]
        public string Python { get; init; } = "/usr/bin/python3";

        [CommandOption("--config <FILE>")]
        [Description("Training config (default training/configs/default.json); its threads setting is replaced by 1 and by all cores")]
        public string? Config { get; init; }

        [CommandOption("--gtm-threads <LIST>")]
        [Description("Thread counts `gtm train` runs with: 1 and/or all (each run costs the same CPU time, as every fit is single-threaded; at 1M opportunities one run may be all a time budget allows)")]
        [DefaultValue("1,all")]
        public string GtmThreads { get; init; } = "1,all";

        [CommandOption("--work <DIR>")]
        [Description("Scratch folder (CSV copy, registries, generated world); deleted afterwards")]
        public string Work { get; init; } = Path.Combine(".gtm", "bench-peer");
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var work = Path.GetFullPath(settings.Work);
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        Directory.CreateDirectory(work);
        try
        {
            var markdown = Measure(settings, work, cancellationToken, out var section);
            MarkdownSection.Write(settings.Out, section, markdown);
            Console.Out.Write(markdown);
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Measure(Settings settings, string work, CancellationToken cancellationToken, out string section)
    {
        var inv = CultureInfo.InvariantCulture;
        var cores = Environment.ProcessorCount;
        var threads = new[] { 1, cores }.Distinct().ToArray();
        var config = TrainingConfig.Resolve(settings.Config);
        var o = config.Opportunity;
        var snapshot = settings.Snapshot is { } s ? Path.GetFullPath(s) : Prepare(settings.Opportunities, work, settings.SqlDir, cancellationToken);
        var loadBefore = MarkdownSection.LoadAverage();
        var started = MarkdownSection.MachineLine();
        AnsiConsole.MarkupLine($"snapshot {Markup.Escape(snapshot)}, {cores} cores, load average {loadBefore}");

        // The same Parquet file as CSV for Python (Debian serves no Parquet reader for it), written by DuckDB.
        var csv = Path.Combine(work, "opportunities.csv");
        var watch = Stopwatch.StartNew();
        using (var duck = new DuckDBConnection("DataSource=:memory:"))
        {
            duck.Open();
            using var cmd = duck.CreateCommand();
            var parquet = Path.Combine(snapshot, "mrt_opportunity_features.parquet");
            cmd.CommandText = $"COPY (SELECT * FROM read_parquet('{Quote(parquet)}')) TO '{Quote(csv)}' (HEADER)";
            cmd.ExecuteNonQuery();
        }

        var toCsv = watch.Elapsed.TotalSeconds;
        watch.Restart();
        var readCpu = ChildRun.OwnCpuSeconds();
        var rows = FeatureSnapshot.ReadOpportunities(snapshot);
        var read = (watch.Elapsed.TotalSeconds, ChildRun.OwnCpuSeconds() - readCpu);
        section = $"peer-{rows.Count}";
        AnsiConsole.MarkupLine($"{rows.Count:N0} opportunities; Parquet to CSV by DuckDB {toCsv:0.0}s; snapshot read {read.Item1:0.0}s");

        var gtm = new Dictionary<int, ChildTiming>();
        var opportunityOnly = new Dictionary<int, double>();
        var gtmThreads = settings.GtmThreads.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(t => t == "all" ? cores : int.Parse(t, inv)).Distinct().ToList();
        foreach (var t in gtmThreads)
        {
            var configFile = Path.Combine(work, $"config-{t}.json");
            File.WriteAllText(configFile, (config with { Opportunity = o with { Threads = t } }).ToJson());
            AnsiConsole.MarkupLine($"gtm train, {t} thread(s) ...");
            // Like for like with scikit-learn, which fits the opportunity models only: the time between `gtm train`'s
            // progress lines that open opportunity scoring and the ICP model (screening, the 14 fits, the holdout, the
            // gate and the registry; not process start, the snapshot read or the ICP model).
            var clock = Stopwatch.StartNew();
            var (opportunityStart, icpStart) = (double.NaN, double.NaN);
            gtm[t] = ChildRun.Run("dotnet", [Path.GetFullPath(settings.Gtm), "train", "--snapshot", snapshot, "--config", configFile,
                "--models", Path.Combine(work, $"models-{t}"), "--warehouse", Path.Combine(work, $"w-{t}.duckdb")],
                line =>
                {
                    Console.WriteLine($"  | {line}");
                    switch (line.Trim())
                    {
                        case TrainingPipeline.OpportunityStep:
                            opportunityStart = clock.Elapsed.TotalSeconds;
                            break;
                        case TrainingPipeline.IcpStep:
                            icpStart = clock.Elapsed.TotalSeconds;
                            break;
                    }
                });
            opportunityOnly[t] = icpStart - opportunityStart;
            AnsiConsole.MarkupLine($"gtm train, {t} thread(s): {gtm[t].WallSeconds:0.0}s wall, {gtm[t].CpuSeconds:0.0}s CPU");
        }

        var categorical = o.CategoricalFeatures.Except(TrainerComparison.Excluded).ToList();
        var numeric = o.NumericFeatures.Except(TrainerComparison.Excluded).ToList();
        AnsiConsole.MarkupLine("scikit-learn ...");
        var script = Path.Combine(AppContext.BaseDirectory, "sklearn_peer.py");
        var python = ChildRun.Run(settings.Python, [script, "--csv", csv, "--categorical", string.Join(',', categorical), "--numeric", string.Join(',', numeric),
            "--folds", o.Folds.ToString(inv), "--holdout-fraction", o.HoldoutFraction.ToString(inv), "--seed", o.Seed.ToString(inv),
            "--threads", string.Join(',', threads)]);
        using var peer = JsonDocument.Parse(python.Stdout.Trim().Split('\n')[^1]);
        var runs = peer.RootElement.GetProperty("runs").EnumerateArray().ToList();
        JsonElement Sk(int t, string model) =>
            runs.First(r => r.GetProperty("threads").GetInt32() == t && r.GetProperty("model").GetString() == model);

        // Each thread count in its own process: ML.NET's FastTree keeps the thread count of a process's first FastTree fit.
        var comparisons = threads.Select(t =>
        {
            AnsiConsole.MarkupLine($"FastTree vs LightGBM, {t} thread(s), in its own process ...");
            return BoosterBenchCommand.InChildProcess(snapshot, t, rounds: 1, shortTrees: 0, variants: "", breakdown: false, settings.Config);
        }).ToList();
        var loadAfter = MarkdownSection.LoadAverage();

        var md = new StringBuilder();
        md.AppendLine(inv, $"### {rows.Count:N0} opportunities");
        md.AppendLine();
        md.AppendLine(inv, $"Command: `dotnet run --project bench/GtmMart.Bench -c Release -- peer {(settings.Snapshot is null ? $"--opportunities {settings.Opportunities}" : "--snapshot DIR")}{(settings.GtmThreads == "1,all" ? "" : $" --gtm-threads {settings.GtmThreads}")}{(settings.Config is null ? "" : $" --config {settings.Config}")}`  ");
        md.AppendLine(started);
        md.AppendLine();
        md.AppendLine(inv, $"Load average (1, 5, 15 min) before {loadBefore}, after {loadAfter}. {peer.RootElement.GetProperty("train_rows").GetInt32():N0} closed deals in the training part, {peer.RootElement.GetProperty("holdout_rows").GetInt32():N0} in the holdout; scikit-learn {peer.RootElement.GetProperty("sklearn").GetString()}. Wall-clock seconds, CPU seconds in brackets where the process's CPU time covers the whole work (with 2 jobs scikit-learn's CV runs in worker processes it does not count).");
        md.AppendLine();
        md.AppendLine("| threads | `gtm train` s | its opportunity scoring s | scikit-learn LR s (CV AUC / holdout AUC) | scikit-learn HGB s (CV AUC / holdout AUC) | `gtm train` / scikit-learn (aim <= 3x) | opportunity scoring / scikit-learn |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var t in threads)
        {
            var (lr, hgb) = (Sk(t, "LogisticRegression"), Sk(t, "HistGradientBoosting"));
            var sk = lr.GetProperty("seconds").GetDouble() + hgb.GetProperty("seconds").GetDouble();
            var skCpu = Cpu(lr) + Cpu(hgb);
            if (gtm.TryGetValue(t, out var g))
            {
                md.AppendLine(inv, $"| {t} | {g.WallSeconds:0.0} ({g.CpuSeconds:0.0} CPU) | {opportunityOnly[t]:0.0} | {Describe(lr)} | {Describe(hgb)} | {g.WallSeconds / sk:0.00}x{(double.IsNaN(skCpu) ? "" : $" ({g.CpuSeconds / skCpu:0.00}x CPU)")} | {opportunityOnly[t] / sk:0.00}x |");
                continue;
            }

            // Every fit of `gtm train` is single-threaded, so its CPU time is the same with 1 thread or more: set
            // against scikit-learn's with 1 thread it is the 1-thread comparison on an idle core.
            var other = gtm.Values.FirstOrDefault();
            md.AppendLine(inv, $"| {t} | not run (`--gtm-threads {settings.GtmThreads}`) | | {Describe(lr)} | {Describe(hgb)} | {(other is null || double.IsNaN(skCpu) ? "" : $"{other.CpuSeconds / skCpu:0.00}x CPU (the {gtm.Keys.First()}-thread run's CPU time)")} | |");
        }

        md.AppendLine();
        md.AppendLine(inv, $"FastTree against LightGBM on the same featurized split ({comparisons[0].TrainRows:N0} training rows, {comparisons[0].HoldoutRows:N0} holdout, {comparisons[0].Slots} slots), both built by the product's trainer factory (`OpportunityFits.Trainer`) with the config's settings ({o.Boosting.NumberOfTrees} trees / iterations, {o.Boosting.NumberOfLeaves} leaves, at least {o.Boosting.MinimumExampleCountPerLeaf} per leaf, learning rate {o.Boosting.LearningRate}, feature fraction {o.Boosting.FeatureFraction} for LightGBM and {o.Boosting.FastTreeFeatureFraction} for FastTree, seed {o.Seed}), without early stopping so both fit the same number of trees, each on a thread-pool thread as `gtm train` fits, each thread count in its own process (the `boosters` benchmark, one round, after a short warm-up fit of each); `gtm train` uses {o.Boosting.Booster}:");
        md.AppendLine();
        md.AppendLine("| threads | featurize s | FastTree fit s (holdout AUC) | LightGBM fit s (holdout AUC) | FastTree / LightGBM (aim <= 1.0x) |");
        md.AppendLine("|---:|---:|---:|---:|---:|");
        foreach (var c in comparisons)
        {
            var (fastTree, lightGbm) = (c.Runs[0], c.Runs[^1]);
            md.AppendLine(inv, $"| {c.Threads} | {c.FeaturizeSeconds:0.0} | {fastTree.MedianWall():0.0} ({fastTree.MedianCpu():0.0} CPU; {fastTree.HoldoutAuc:0.0000}) | {lightGbm.MedianWall():0.0} ({lightGbm.MedianCpu():0.0} CPU; {lightGbm.HoldoutAuc:0.0000}) | {fastTree.MedianWall() / lightGbm.MedianWall():0.00}x ({fastTree.MedianCpu() / lightGbm.MedianCpu():0.00}x CPU) |");
        }

        md.AppendLine();
        md.AppendLine(inv, $"Floors in the same run, outside the scikit-learn times: DuckDB's Parquet-to-CSV {toCsv:0.0}s and Python's CSV read {peer.RootElement.GetProperty("read_seconds").GetDouble():0.0}s; the snapshot read that `gtm train` pays ({nameof(FeatureSnapshot)}.{nameof(FeatureSnapshot.ReadOpportunities)}, in this process) {read.Item1:0.0}s ({read.Item2:0.0} CPU). `gtm train` is the whole command: process start, snapshot read, both opportunity algorithms cross-validated and refitted, the ICP model, the registry; \"its opportunity scoring\" is the part scikit-learn's side matches (from its progress line `{TrainingPipeline.OpportunityStep}` to `{TrainingPipeline.IcpStep}`: screening, the 14 fits, the holdout, the gate and the registry).");
        return md.ToString();
    }

    private static string Describe(JsonElement run) => string.Create(CultureInfo.InvariantCulture,
        $"{run.GetProperty("seconds").GetDouble():0.0}{(double.IsNaN(Cpu(run)) ? "" : $" ({Cpu(run):0.0} CPU)")} ({run.GetProperty("cv_auc").GetDouble():0.0000} / {run.GetProperty("holdout_auc").GetDouble():0.0000})");

    private static double Cpu(JsonElement run) =>
        run.TryGetProperty("cpu_seconds", out var cpu) && cpu.ValueKind == JsonValueKind.Number ? cpu.GetDouble() : double.NaN;

    /// <summary>Generate (seed 1) > load > build > export, as the training benchmark sizes its worlds. Returns the snapshot folder.</summary>
    private static string Prepare(int target, string work, string sqlDirectory, CancellationToken cancellationToken)
    {
        var days = new GeneratorOptions { OutputDirectory = "" }.Days;
        var accounts = (int)Math.Max(1, Math.Round(target / (OpportunitiesPerAccountPer90Days * days / 90.0)));
        var raw = Path.Combine(work, "raw");
        AnsiConsole.MarkupLine($"preparing {target:N0} opportunities: {accounts:N0} accounts, {target * 10L:N0} sessions (not timed)");
        PipelineSteps.Generate(new GeneratorOptions { OutputDirectory = raw, Accounts = accounts, Seed = 1, Sessions = target * 10L }, cancellationToken);
        var warehouse = new DuckDbWarehouse(Path.Combine(work, "bench.duckdb"));
        PipelineSteps.Load(warehouse, raw);
        Directory.Delete(raw, recursive: true);
        PipelineSteps.Build(warehouse, Warehouse.Models.ModelCatalog.Load(sqlDirectory), cancellationToken);
        var snapshot = Path.Combine(work, "features");
        PipelineSteps.Export(warehouse, snapshot);
        return snapshot;
    }

    private static string Quote(string path) => path.Replace("'", "''", StringComparison.Ordinal);
}
