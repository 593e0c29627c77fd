using System.ComponentModel;
using GtmMart.Training;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public sealed class TrainCommand : Command<TrainCommand.Settings>
{
    public sealed class Settings : WarehouseSettings
    {
        [CommandOption("-c|--config <FILE>")]
        [Description("Training config (features, hyperparameters, tier thresholds). Default: training/configs/default.json when present, else built-in defaults")]
        public string? Config { get; init; }

        [CommandOption("--snapshot <DIR>")]
        [Description("Train from this Parquet feature snapshot (gtm export-features) instead of exporting the warehouse's published mart first")]
        public string? Snapshot { get; init; }

        [CommandOption("--ground-truth <FILE>")]
        [Description("Generator ground truth (ground_truth/opportunity_truth.csv) to compare the model with the best possible AUC")]
        public string? GroundTruth { get; init; }

        [CommandOption("--models <DIR>")]
        [Description("Model registry folder. Default: $GTM_MODELS, else ./models for the default warehouse and <warehouse name>/models beside any other")]
        public string? Models { get; init; }

        [CommandOption("--no-activate")]
        [Description("Register the new versions (with the promotion gate's decision) without making any of them active; promote later with gtm models promote")]
        public bool NoActivate { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var snapshot = settings.Snapshot;
        var warehouse = snapshot is null ? settings.OpenWarehouse() : settings.OpenOrCreateWarehouse();
        if (snapshot is null)
        {
            snapshot = Path.Combine(warehouse.LocalDirectory, "features");
            PipelineSteps.Export(warehouse, snapshot);
        }

        var run = PipelineSteps.Train(snapshot, settings.Config, WarehouseSettings.ResolveModels(settings.Models, warehouse), settings.GroundTruth, activate: !settings.NoActivate);
        if ((run.OpportunityOutcome.NotTrained ?? run.IcpOutcome.NotTrained) is { } missing)
        {
            throw new TrainingDataException(missing);
        }

        return 0;
    }
}
