using System.ComponentModel;
using GtmMart.Serving;
using GtmMart.Warehouse.History;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

/// <summary>
/// <c>gtm score</c>: scores every open opportunity and every account with the active models and writes the scores back
/// to the warehouse in one transaction (see <see cref="ScoreWriteBack"/>). DuckDB allows one writing process per file,
/// so while the scoring server runs against the same file, use the server's write-back call instead: this command then
/// fails at once with the warehouse's lock message rather than waiting.
/// </summary>
public sealed class ScoreCommand : Command<ScoreCommand.Settings>
{
    public sealed class Settings : WarehouseSettings
    {
        [CommandOption("--models <DIR>")]
        [Description("Model registry folder. Default: $GTM_MODELS, else ./models for the default warehouse and <warehouse name>/models beside any other")]
        public string? Models { get; init; }

        [CommandOption("--run-id <ID>")]
        [Description("Run id; a run id already written is not written again. Default: a new id (run-<utc yyyyMMddHHmmss>-<random>)")]
        public string? RunId { get; init; }

        [CommandOption("--keep-runs <N>")]
        [Description("Score history retention: keep the newest N runs in history.scores (older runs and their changes are dropped). Default: $GTM_SCORE_HISTORY_RUNS, else every run")]
        public int? KeepRuns { get; init; }

        [CommandOption("--keep-days <D>")]
        [Description("Score history retention: keep the runs of the last D days. Default: $GTM_SCORE_HISTORY_DAYS, else every run")]
        public int? KeepDays { get; init; }

        public override ValidationResult Validate() =>
            RunId is not null && string.IsNullOrWhiteSpace(RunId) ? ValidationResult.Error("--run-id must not be empty")
            : KeepRuns is < 1 ? ValidationResult.Error("--keep-runs must be at least 1")
            : KeepDays is < 1 ? ValidationResult.Error("--keep-days must be at least 1")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var warehouse = settings.OpenWarehouse();
        PipelineSteps.Score(warehouse, WarehouseSettings.ResolveModels(settings.Models, warehouse), settings.RunId, cancellationToken, new ScoreHistoryRetention(settings.KeepRuns, settings.KeepDays));
        return 0;
    }
}
