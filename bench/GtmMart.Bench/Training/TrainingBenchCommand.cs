using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using GtmMart.Cli.Commands;
using GtmMart.Cli.Output;
using GtmMart.DemoData;
using GtmMart.Training;
using GtmMart.Training.Export;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Bench.Training;

/// <summary>
/// The training benchmark: per target number of opportunities, generates, loads and builds a mart, then times the
/// feature export next to DuckDB's COPY, the opportunity trainer end to end, and FastTree next to LightGBM on the
/// same featurized split, all in one process so every ratio compares work done on the same machine at the same time.
/// </summary>
public sealed class TrainingBenchCommand : Command<TrainingBenchCommand.Settings>
{
    /// <summary>Opportunities per account per 90 days (src/GtmMart.DemoData/README.md).</summary>
    private const double OpportunitiesPerAccountPer90Days = 1.87;

    private const string OpportunityFeatures = "mart.mrt_opportunity_features";
    private const string AccountFeatures = "mart.mrt_account_features";

    public sealed class Settings : BenchSettings
    {
        [CommandOption("--opportunities <LIST>")]
        [Description("Comma-separated target opportunity counts; accounts are derived from each (about 5.6 per account over 270 days)")]
        [DefaultValue("100000,1000000")]
        public string Opportunities { get; init; } = "100000,1000000";

        [CommandOption("--sessions-per-opportunity <N>")]
        [Description("Web sessions generated per target opportunity")]
        [DefaultValue(10)]
        public int SessionsPerOpportunity { get; init; } = 10;

        [CommandOption("--work <DIR>")]
        [Description("Scratch folder for generated files, warehouses and exports (deleted per size)")]
        public string Work { get; init; } = Path.Combine(".gtm", "bench-training");

        [CommandOption("--config <FILE>")]
        [Description("Training config (default training/configs/default.json, else built-in defaults)")]
        public string? Config { get; init; }

        [CommandOption("--train-up-to <N>")]
        [Description("Run OpportunityModelTrainer.Train end to end (default config, all folds) only for targets up to this many opportunities")]
        [DefaultValue(100_000)]
        public int TrainUpTo { get; init; } = 100_000;

        [CommandOption("--threads <N>")]
        [Description("Threads of both boosters in the FastTree / LightGBM comparison")]
        [DefaultValue(1)]
        public int Threads { get; init; } = 1;

        public override ValidationResult Validate() =>
            SessionsPerOpportunity < 1 ? ValidationResult.Error("--sessions-per-opportunity must be at least 1")
            : Threads < 1 ? ValidationResult.Error("--threads must be at least 1")
            : ValidationResult.Success();
    }

    private sealed record Row(
        long Target,
        int Accounts,
        long Sessions,
        long Opportunities,
        double Generate,
        double Load,
        double Build,
        double OpportunityModel,
        double AccountModel,
        ExportBenchmarkResult Export,
        double ReadSnapshot,
        long Rows,
        EndToEndTraining? Training,
        TrainerComparisonResult Comparison,
        long PeakBytes);

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var targets = BenchSettings.Numbers(settings.Opportunities);
        var catalog = Warehouse.Models.ModelCatalog.Load(settings.SqlDir);
        var config = TrainingConfig.Resolve(settings.Config);
        var rows = new List<Row>();
        foreach (var target in targets)
        {
            rows.Add(RunSize(target, settings, catalog, config, cancellationToken));
            GC.Collect();
        }

        var markdown = Render(rows, settings, config);
        MarkdownSection.Write(settings.Out, "training", markdown);
        Console.Out.Write(markdown);
        return 0;
    }

    private static Row RunSize(
        long target, Settings settings, Warehouse.Models.ModelCatalog catalog, TrainingConfig config, CancellationToken cancellationToken)
    {
        var days = new GeneratorOptions { OutputDirectory = "" }.Days;
        var accounts = (int)Math.Max(1, Math.Round(target / (OpportunitiesPerAccountPer90Days * days / 90.0)));
        var sessions = target * settings.SessionsPerOpportunity;
        AnsiConsole.MarkupLine($"[bold]target {target:N0} opportunities[/]: {accounts:N0} accounts, {sessions:N0} sessions, {days} days");

        var folder = Path.Combine(settings.Work, $"o{target}");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        try
        {
            var raw = Path.Combine(folder, "raw");
            var warehouse = new DuckDbWarehouse(Path.Combine(folder, "bench.duckdb"));
            GeneratorResult? generated = null;
            var generate = Time(() => generated = PipelineSteps.Generate(
                new GeneratorOptions { OutputDirectory = raw, Accounts = accounts, Seed = 1, Sessions = sessions }, cancellationToken));
            var load = Time(() => PipelineSteps.Load(warehouse, raw));
            // The raw files are no longer needed once loaded; free the disk before the export writes its files.
            Directory.Delete(raw, recursive: true);
            BuildResult? built = null;
            var build = Time(() => built = PipelineSteps.Build(warehouse, catalog, cancellationToken));

            ExportBenchmarkResult export;
            using (var step = ProgressStep.Start($"exporting {OpportunityFeatures} with FeatureExporter and with DuckDB COPY"))
            {
                export = ExportBenchmark.Run(warehouse, OpportunityFeatures, Path.Combine(folder, "export"));
                step.Done(string.Create(CultureInfo.InvariantCulture,
                    $"{export.Rows:N0} rows: FeatureExporter {export.ExportRowsPerSecond:N0} rows/s, DuckDB COPY {export.DuckDbRowsPerSecond:N0} rows/s"));
            }

            var snapshot = TrainingBenchmark.ReadOpportunities(Path.Combine(folder, "export", "export"));
            AnsiConsole.MarkupLine($"  read {snapshot.Rows.Count:N0} opportunity rows from the snapshot in {snapshot.Elapsed.TotalSeconds:0.0}s");

            EndToEndTraining? training = null;
            if (target <= settings.TrainUpTo)
            {
                using var step = ProgressStep.Start($"OpportunityModelTrainer.Train with config '{config.Name}'");
                training = TrainingBenchmark.Train(snapshot.Rows, config.Opportunity, ProgressStep.Detail());
                step.Done($"{training.Algorithm}, holdout AUC {training.HoldoutAuc:0.0000}");
            }
            else
            {
                AnsiConsole.MarkupLine($"  [grey]end-to-end training skipped: {target:N0} > --train-up-to {settings.TrainUpTo:N0}[/]");
            }

            TrainerComparisonResult comparison;
            using (var step = ProgressStep.Start("FastTree vs LightGBM on the same featurized split"))
            {
                comparison = TrainerComparison.Run(snapshot.Rows, config.Opportunity, settings.Threads, ProgressStep.Detail());
                step.Done();
            }

            var models = built!.Models;
            return new Row(
                target,
                accounts,
                sessions,
                generated!.RowsPerFile.TryGetValue("salesforce_opportunities.csv", out var o) ? o : snapshot.Rows.Count,
                generate,
                load,
                build,
                ModelSeconds(models, OpportunityFeatures),
                ModelSeconds(models, AccountFeatures),
                export,
                snapshot.Elapsed.TotalSeconds,
                snapshot.Rows.Count,
                training,
                comparison,
                Process.GetCurrentProcess().PeakWorkingSet64);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static double ModelSeconds(IReadOnlyList<ModelRun> models, string name) =>
        models.FirstOrDefault(m => m.Model.Equals(name, StringComparison.OrdinalIgnoreCase))?.Elapsed.TotalSeconds
        ?? throw new InvalidOperationException($"The build did not run {name}.");

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    private static string Render(List<Row> rows, Settings settings, TrainingConfig config)
    {
        var o = config.Opportunity;
        var text = new StringBuilder();
        text.AppendLine("## Feature export and training (issue: training benchmark)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Command: `dotnet run --project bench/GtmMart.Bench -c Release -- training --opportunities {settings.Opportunities} --sessions-per-opportunity {settings.SessionsPerOpportunity} --train-up-to {settings.TrainUpTo} --threads {settings.Threads}{(settings.Config is null ? "" : $" --config {settings.Config}")}`  ");
        text.AppendLine(MarkdownSection.MachineLine());
        text.AppendLine();
        text.AppendLine("The machine is noisy: compare ratios within one run (each ratio below pairs two timings taken in the same process on the same data), not absolute seconds across runs.");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Data: demo generator, seed 1, default 270 days; accounts = target / ({OpportunitiesPerAccountPer90Days} x 270 / 90), sessions = {settings.SessionsPerOpportunity} x target. Peak memory is the process's peak working set so far (DuckDB runs in-process), so it is cumulative across sizes.");
        text.AppendLine();

        text.AppendLine("**Data, load and build.** The two feature models' times are their own model runs inside the build (`BuildResult.Models`).");
        text.AppendLine();
        text.AppendLine("| target opportunities | accounts | sessions | opportunities generated | generate s | load s | build s (models + tests + publish) | mrt_opportunity_features s | mrt_account_features s | peak memory |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Target:N0} | {r.Accounts:N0} | {r.Sessions:N0} | {r.Opportunities:N0} | {r.Generate:0.0} | {r.Load:0.0} | {r.Build:0.0} | {r.OpportunityModel:0.00} | {r.AccountModel:0.00} | {r.PeakBytes / (1 << 20):N0} MiB |");
        }

        text.AppendLine();
        text.AppendLine("**Feature export** of `mart.mrt_opportunity_features`: `FeatureExporter.Export` (the dialect's bulk export: DuckDB chunk vectors copied into Parquet.Net row groups, ordered by the key, Zstandard, dictionary strings, delta integers, byte-stream-split doubles) next to DuckDB's `COPY (select * from mart.mrt_opportunity_features) TO 'x.parquet' (FORMAT parquet)` and the same COPY with `order by 1`, same table, same run (`ExportBenchmark`: 3 alternating rounds, median times).");
        text.AppendLine();
        text.AppendLine("| rows | columns | FeatureExporter s | FeatureExporter rows/s | DuckDB COPY s | DuckDB COPY rows/s | DuckDB COPY ordered s | rows/s vs COPY (aim >= 0.5x) | file MiB (exporter / DuckDB) | file size vs COPY (aim <= 1.5x) |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var e = r.Export;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {e.Rows:N0} | {e.Columns} | {e.Export.TotalSeconds:0.00} | {e.ExportRowsPerSecond:N0} | {e.DuckDbCopy.TotalSeconds:0.00} | {e.DuckDbRowsPerSecond:N0} | {e.DuckDbCopyOrdered.TotalSeconds:0.00} | {1 / e.Ratio:0.00}x | {e.ExportBytes / 1048576.0:0.0} / {e.DuckDbBytes / 1048576.0:0.0} | {(double)e.ExportBytes / e.DuckDbBytes:0.00}x |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"**Training end to end**: `OpportunityModelTrainer.Train` with config '{config.Name}' (screening, leakage scan, FastTree and logistic regression each cross-validated, holdout evaluation, refit on all closed rows; single-threaded trainers). The snapshot read (`FeatureSnapshot.ReadOpportunities`) is timed apart.");
        if (rows.Any(r => r.Training is null))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Measured only up to {settings.TrainUpTo:N0} target opportunities (`--train-up-to`): it fits {o.Folds} folds x 2 algorithms plus the full and refit models single-threaded, which at the larger size does not fit this benchmark's time budget; those rows say \"not run\".");
        }

        text.AppendLine();
        text.AppendLine("| opportunities | closed rows | folds | read snapshot s | Train s | chosen | holdout AUC | dropped for leakage |");
        text.AppendLine("|---:|---:|---:|---:|---:|---|---:|---|");
        foreach (var r in rows)
        {
            var t = r.Training;
            if (t is null)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Rows:N0} | | not run | {r.ReadSnapshot:0.0} | not run | | | |");
            }
            else
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {t.Rows:N0} | {t.ClosedRows:N0} | {t.Folds} | {r.ReadSnapshot:0.0} | {t.Train.TotalSeconds:0.0} | {t.Algorithm} | {t.HoldoutAuc:0.0000} | {(t.DroppedForLeakage.Count == 0 ? "none" : string.Join(", ", t.DroppedForLeakage))} |");
            }
        }

        var first = rows.FirstOrDefault()?.Comparison;
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"**FastTree vs LightGBM** on the same split (closed rows, newest {o.HoldoutFraction * 100:0}% by created date held out) and the same featurization (the trainer's featurizer: one-hot categoricals, mean-replaced numerics and missing indicators, concatenated and binned), fitted on cached feature vectors so the times are the boosters' own: " +
            $"{o.Boosting.NumberOfTrees} trees / iterations, {o.Boosting.NumberOfLeaves} leaves, at least {o.Boosting.MinimumExampleCountPerLeaf} examples per leaf, learning rate {o.Boosting.LearningRate}, {settings.Threads} thread(s) each. " +
            $"`amount_usd` is excluded (0 for every Closed Lost row, so it leaks the label){(first is null ? "" : $"; {first.Features.Count} features, {first.FeatureSlots} slots")}. AUC by `BinaryMetrics.Compute` on the holdout.");
        text.AppendLine();
        text.AppendLine("| opportunities | train rows | holdout rows | featurize s | FastTree fit s | FastTree AUC | LightGBM fit s | LightGBM AUC | FastTree / LightGBM time |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var c = r.Comparison;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Rows:N0} | {c.TrainRows:N0} | {c.HoldoutRows:N0} | {c.Featurize.TotalSeconds:0.0} | {c.FastTree.Train.TotalSeconds:0.0} | {c.FastTree.HoldoutAuc:0.0000} | {c.LightGbm.Train.TotalSeconds:0.0} | {c.LightGbm.HoldoutAuc:0.0000} | {c.FastTreeOverLightGbm:0.00}x |");
        }

        return text.ToString();
    }

}
