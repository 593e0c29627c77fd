using GtmMart.Cli.Output;
using GtmMart.DemoData;
using GtmMart.Reporting;
using GtmMart.Scoring.Registry;
using GtmMart.Serving;
using GtmMart.Training;
using GtmMart.Training.Export;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.History;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;
using Spectre.Console;

namespace GtmMart.Cli.Commands;

/// <summary>The steps of the main job, each printing its progress; single commands and <c>gtm run</c> share them.</summary>
internal static class PipelineSteps
{
    public static GeneratorResult Generate(GeneratorOptions options, CancellationToken cancellationToken)
    {
        using var step = ProgressStep.Start($"generating demo data ({options.Accounts:N0} accounts, seed {options.Seed}) into {options.OutputDirectory}");
        var lastReported = new Dictionary<string, long>();
        var progress = new InlineProgress<GeneratorProgress>(p =>
        {
            // One line per source per ~10% keeps logs readable at any size.
            var bucket = p.RowsPlanned <= 0 ? 0 : p.RowsWritten * 10 / Math.Max(1, p.RowsPlanned);
            if (!lastReported.TryGetValue(p.Source, out var last) || bucket > last)
            {
                lastReported[p.Source] = bucket;
                AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(p.Source)}: {p.RowsWritten:N0} rows[/]");
            }
        });
        var result = DemoDataGenerator.Generate(options, progress, cancellationToken);
        step.Done(string.Join(", ", result.RowsPerFile.Select(kv => $"{kv.Key} {kv.Value:N0}")));
        return result;
    }

    public static LoadReport Load(IWarehouse warehouse, string rawDirectory, LoadOptions? options = null)
    {
        options ??= LoadOptions.Default;
        using var step = ProgressStep.Start($"{(options.Append ? "appending" : "loading")} {rawDirectory} {(options.Append ? "to" : "into")} {warehouse.DisplayName}");
        var report = new RawLoader(warehouse).Load(rawDirectory, options, ProgressStep.Detail());
        step.Done($"{report.Loaded:N0} loaded, {report.Rejected:N0} rejected");
        LoadView.Print(report, warehouse);
        return report;
    }

    /// <summary>Prints the raw values no mapping seed names, as <c>gtm load</c> finds them in the raw tables.</summary>
    public static void ReportUnmapped(IWarehouse warehouse, ModelCatalog catalog)
    {
        using var connection = warehouse.Open();
        UnmappedView.Print(Vocabularies.Unmapped(connection, catalog));
    }

    public static BuildResult Build(IWarehouse warehouse, ModelCatalog catalog, CancellationToken cancellationToken, bool fullRefresh = false)
    {
        using (var connection = warehouse.Open())
        {
            WarehouseReadiness.RequireLoaded(connection);
        }

        using var step = ProgressStep.Start($"building {catalog.Models.Count} models from {catalog.Directory}");
        var progress = new InlineProgress<BuildProgress>(p =>
        {
            if (p.Step != "test")
            {
                AnsiConsole.MarkupLine($"  [grey]{p.Step} {Markup.Escape(p.Detail)} ({p.Done}/{p.Total})[/]");
            }
        });
        var result = new MartBuilder(warehouse, catalog).Build(fullRefresh, progress, cancellationToken);
        AnsiConsole.MarkupLine(Markup.Escape($"  {result.Mode}"));
        step.Done($"build {result.BuildId}, {result.Models.Sum(m => m.Rows):N0} rows in {result.Models.Count} models " +
            $"({result.ModelTime.TotalSeconds:0.0}s models, {result.TestTime.TotalSeconds:0.0}s tests)");
        TestView.Print(result.Tests);
        UnmappedView.Print(result.Unmapped);
        if (!result.Published)
        {
            throw new WarehouseException(
                $"build {result.BuildId} was not published: {result.Failures.Count()} data test(s) failed; the previous mart is unchanged.");
        }

        AnsiConsole.MarkupLine($"[green]published build {result.BuildId}[/]");
        return result;
    }

    public static ExportManifest Export(IWarehouse warehouse, string directory)
    {
        WarehouseReadiness.RequirePublished(warehouse);
        using var step = ProgressStep.Start($"exporting feature marts to {directory}");
        var manifest = FeatureExporter.Export(warehouse, directory, FeatureExporter.DefaultTables, ProgressStep.Detail());
        step.Done($"snapshot {manifest.SnapshotHash[..12]} from build {manifest.SourceBuildId}");
        return manifest;
    }

    /// <summary>
    /// Trains both models, gates and registers them, and prints what happened. A model the data cannot train is
    /// reported in the run (<see cref="ModelOutcome.NotTrained"/>); the caller decides whether that stops it.
    /// </summary>
    public static TrainingRun Train(string snapshot, string? configPath, string? models, string? groundTruth, bool activate = true)
    {
        var config = TrainingConfig.Resolve(configPath);
        var registry = ModelRegistry.Resolve(models);
        TrainingRun run;
        using (var step = ProgressStep.Start($"training from snapshot {snapshot} with config '{config.Name}' into {registry.Root}{(activate ? "" : " (without activating)")}"))
        {
            run = TrainingPipeline.Run(snapshot, config, registry, groundTruth, ProgressStep.Detail(), activate);
            step.Done(string.Join(", ", new[] { run.OpportunityOutcome, run.IcpOutcome }.Select(o => $"{o.Model} {o.Candidate?.Version ?? "not trained"}")));
        }

        ModelView.Print(run, config);
        return run;
    }

    /// <summary>Scores every open opportunity and account with the active models and writes the scores back in one transaction.</summary>
    public static WriteBackResult Score(IWarehouse warehouse, string? models, string? runId, CancellationToken cancellationToken, ScoreHistoryRetention? retention = null)
    {
        WarehouseReadiness.RequirePublished(warehouse);
        var registry = ModelRegistry.Resolve(models);
        ModelSet set;
        using (var step = ProgressStep.Start($"loading the active models from {registry.Root}"))
        {
            set = ModelSet.LoadActive(registry);
            step.Done($"{Served(set.OpportunityModel, set.OpportunityVersion, set.OpportunityCard)}, {Served(set.IcpModel, set.IcpVersion, set.IcpCard)}");
        }

        using (set)
        {
            FeatureStore features;
            using (var step = ProgressStep.Start($"loading the feature marts from {warehouse.DisplayName}"))
            {
                features = FeatureStore.Load(warehouse);
                step.Done($"build {features.BuildId}: {features.OpenOpportunities.Count:N0} open of {features.Opportunities.Count:N0} opportunities, {features.Accounts.Count:N0} accounts");
            }

            WriteBackResult result;
            using (var step = ProgressStep.Start("scoring and writing back"))
            {
                result = new ScoreWriteBack(warehouse) { Retention = (retention ?? ScoreHistoryRetention.KeepAll).Or(ScoreHistoryRetention.FromEnvironment()) }.Run(set, features, runId, ProgressStep.Detail(), cancellationToken);
                step.Done(result.AlreadyWritten ? "already written" : $"{result.Opportunities + result.Accounts:N0} rows");
            }

            var verb = result.AlreadyWritten ? "already written (nothing changed)" : "written";
            AnsiConsole.MarkupLine(Markup.Escape($"run {result.RunId} {verb}: {result.Opportunities:N0} opportunities, {result.Accounts:N0} accounts, scored at {result.ScoredAtUtc:yyyy-MM-dd HH:mm:ss}Z"));
            AnsiConsole.MarkupLine(Markup.Escape($"models: {set.OpportunityModel} {result.OpportunityModelVersion}, {set.IcpModel} {result.IcpModelVersion}"));
            return result;
        }
    }

    private static string Served(string model, string version, ModelCard? card) =>
        card is null ? $"{model}: none" : $"{model} {version} ({TrustLabels.Kind(card)}, {TrustLabels.Verdict(card)?.Replace('_', ' ')})";

    /// <summary>Writes the GTM dashboard; <paramref name="output"/> defaults to report.html beside the warehouse.</summary>
    public static ReportResult Report(IWarehouse warehouse, string sqlDirectory, string? models, string? output)
    {
        WarehouseReadiness.RequirePublished(warehouse);
        var path = output ?? Path.Combine(warehouse.LocalDirectory, GtmReport.DefaultFileName);
        ReportResult result;
        using (var step = ProgressStep.Start("writing the GTM dashboard"))
        {
            result = GtmReport.Write(warehouse, sqlDirectory, ModelRegistry.Resolve(models), path);
            step.Done($"{result.Data.Datasets.Sum(d => d.Value.Rows.Count):N0} rows from {result.Data.Datasets.Count} report queries");
        }

        AnsiConsole.MarkupLine(Markup.Escape($"report written to {result.Path}"));
        var scores = result.Data.ScoresAvailable ? "with scores" : "without scores (none written back yet: run gtm score)";
        AnsiConsole.MarkupLine(Markup.Escape($"  {result.Bytes / 1024.0:N0} KB, {scores}; open it in a browser"));
        return result;
    }
}
