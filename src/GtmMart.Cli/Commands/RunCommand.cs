using System.ComponentModel;
using GtmMart.Cli.Output;
using GtmMart.DemoData;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public sealed class RunCommand : Command<RunCommand.Settings>
{
    public sealed class Settings : LoadFormatSettings
    {
        [CommandOption("-r|--raw <DIR>")]
        [Description("Raw folder to load. Without it, demo data is generated next to the warehouse first")]
        public string? Raw { get; init; }

        [CommandOption("--accounts <N>")]
        [Description("Accounts in the generated demo data")]
        [DefaultValue(500)]
        public int Accounts { get; init; } = 500;

        [CommandOption("--seed <S>")]
        [Description("Seed of the generated demo data")]
        [DefaultValue(42)]
        public int Seed { get; init; } = 42;

        [CommandOption("--win-signal <SHAPE>")]
        [Description("Shape of the generated win model: additive (default) or interaction (adds an industry x company size effect that only a non-linear model can learn)")]
        [DefaultValue(WinSignal.Additive)]
        public WinSignal WinSignal { get; init; } = WinSignal.Additive;

        [CommandOption("-c|--config <FILE>")]
        [Description("Training config. Default: training/configs/default.json when present, else built-in defaults")]
        public string? Config { get; init; }

        [CommandOption("--models <DIR>")]
        [Description("Model registry folder. Default: $GTM_MODELS, else ./models for the default warehouse and <warehouse name>/models beside any other")]
        public string? Models { get; init; }

        [CommandOption("--report <PATH>")]
        [Description("Where to write the GTM dashboard at the end. Default: report.html in the warehouse's folder (.gtm/report.html for the default warehouse, <name>/report.html beside any other)")]
        public string? Report { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var warehouse = settings.OpenOrCreateWarehouse();
        var models = WarehouseSettings.ResolveModels(settings.Models, warehouse);
        var catalog = settings.LoadCatalog();
        var raw = settings.Raw;
        string? groundTruth = null;
        if (raw is null)
        {
            raw = Path.Combine(warehouse.LocalDirectory, "demo-raw");
            groundTruth = PipelineSteps.Generate(new GeneratorOptions { OutputDirectory = raw, Accounts = settings.Accounts, Seed = settings.Seed, WinSignal = settings.WinSignal }, cancellationToken).GroundTruthPath;
        }

        PipelineSteps.Load(warehouse, raw, settings.ToLoadOptions());
        PipelineSteps.ReportUnmapped(warehouse, catalog);
        PipelineSteps.Build(warehouse, catalog, cancellationToken);
        FunnelSummary.Print(warehouse);
        var snapshot = Path.Combine(warehouse.LocalDirectory, "features");
        PipelineSteps.Export(warehouse, snapshot);
        PipelineSteps.Train(snapshot, settings.Config, models, groundTruth);
        PipelineSteps.Score(warehouse, models, runId: null, cancellationToken);
        PipelineSteps.Report(warehouse, catalog.Directory, models, settings.Report);
        return 0;
    }
}
