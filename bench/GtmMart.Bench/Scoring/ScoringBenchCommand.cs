using System.ComponentModel;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using GtmMart.Scoring.Registry;
using GtmMart.Serving;
using GtmMart.Warehouse.Connection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Bench.Scoring;

/// <summary>
/// Builds a small mart and trains the models through the product, then runs <see cref="OpportunityScoringBenchmarks"/>
/// with BenchmarkDotNet in this process, over every opportunity row of the mart; writes the summary table (with its
/// ratio to the baseline, measured in the same run) into the "scoring" section of the results file.
/// </summary>
public sealed class ScoringBenchCommand : Command<ScoringBenchCommand.Settings>
{
    public sealed class Settings : BenchSettings
    {
        [CommandOption("--accounts <N>")]
        [Description("Accounts in the generated data set whose opportunities are scored")]
        [DefaultValue(2_000)]
        public int Accounts { get; init; } = 2_000;

        [CommandOption("--short")]
        [Description("BenchmarkDotNet's short run (3 warm-up and 3 measured iterations) instead of its default job: a quick check, not figures to record")]
        public bool ShortRun { get; init; }

        [CommandOption("--work <DIR>")]
        [Description("Scratch folder (deleted before and after)")]
        public string Work { get; init; } = Path.Combine(".gtm", "bench-scoring");

        [CommandOption("--config <FILE>")]
        [Description("Training config (default training/configs/default.json, else built-in defaults); one whose algorithm is FastTree measures FastTree")]
        public string? Config { get; init; }

        public override ValidationResult Validate() =>
            Accounts < 10 ? ValidationResult.Error("--accounts must be at least 10") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var folder = Path.GetFullPath(settings.Work);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        try
        {
            var warehouse = new DuckDbWarehouse(Path.Combine(folder, "bench.duckdb"));
            var models = BenchData.Prepare(warehouse, folder, settings.Accounts, settings.SqlDir, settings.Config, cancellationToken);
            var active = new ModelRegistry(models).Active(ModelSet.OpportunityModelName);
            if (active is not { Card.Kind: ModelKind.Model })
            {
                throw new InvalidOperationException(
                    $"no trained {ModelSet.OpportunityModelName} model is active in {models} (the promotion gate kept {(active is null ? "nothing" : "the baseline")}): try more --accounts");
            }

            var rows = FeatureStore.Load(warehouse).Opportunities;
            OpportunityScoringBenchmarks.Input = (Path.Combine(active.Directory, ModelSet.OpportunityModelFile), rows);

            var job = (settings.ShortRun ? Job.ShortRun : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
            var log = new AccumulationLogger();
            var config = ManualConfig.CreateEmpty()
                .AddJob(job)
                .AddColumnProvider(DefaultColumnProviders.Instance)
                .AddDiagnoser(MemoryDiagnoser.Default)
                .AddLogger(ConsoleLogger.Default)
                .WithArtifactsPath(Path.Combine(folder, "artifacts"));
            var summary = BenchmarkRunner.Run<OpportunityScoringBenchmarks>(config);
            if (summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success))
            {
                throw new InvalidOperationException("BenchmarkDotNet did not complete every benchmark (see its output above)");
            }

            MarkdownExporter.GitHub.ExportToLog(summary, log);
            var markdown = Render(settings, rows.Count, active.Version, active.Card.Algorithm, log.GetLog());
            MarkdownSection.Write(settings.Out, "scoring", markdown);
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

    private static string Render(Settings settings, int rows, string version, string algorithm, string table)
    {
        var text = new StringBuilder();
        text.AppendLine("## Per-row opportunity scoring (BenchmarkDotNet)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Command: `dotnet run --project bench/GtmMart.Bench -c Release -- scoring --accounts {settings.Accounts}{(settings.ShortRun ? " --short" : "")}`  ");
        text.AppendLine(MarkdownSection.MachineLine());
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture,
            $"Data: demo generator, {settings.Accounts:N0} accounts, seed 1, through load > build > export > train; {rows:N0} opportunity rows scored one a call in turn, opportunity-scoring {version} ({algorithm}). ");
        text.AppendLine(
            "Cases: `InProcessFeaturizerWithReasons` (the baseline) is the scorer as the server runs it (`OpportunityScorer.Score`: the in-process featurizer, the model head, reasons per feature family against the typical deal, calibration); `InProcessFeaturizerWithoutReasons` is the same model without its typical deal, so without reasons (what the reasons cost); `MlNetFeaturizerWithReasons` is the served scorer with ML.NET's featurizer, what the in-process featurizer replaced. " +
            "BenchmarkDotNet runs the three cases one after the other in this process (in-process toolchain, server GC as `gtm serve`); \"Ratio\" is each case's mean over the baseline's, from the same run. " +
            "Other helpers' jobs share the 2 cores: compare the ratios, not absolute times across runs.");
        text.AppendLine();
        text.AppendLine(table.Trim());
        text.AppendLine();
        return text.ToString();
    }
}
