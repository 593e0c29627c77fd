using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using GtmMart.Scoring.Registry;
using GtmMart.Serving.Monitoring;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

/// <summary>
/// <c>gtm monitor</c>: per active model, realized accuracy by run and version, the latest run's drift flags and a
/// verdict (<see cref="ModelMonitor"/>); <c>--format json</c> for schedulers. Exit code 0 whatever the verdict, unless
/// <c>--fail-on retrain</c> asks for <see cref="RetrainExitCode"/> when any model's verdict is "retrain recommended".
/// </summary>
public sealed class MonitorCommand : Command<MonitorCommand.Settings>
{
    /// <summary>The exit code of <c>--fail-on retrain</c> when a retrain is recommended (1 is an error, 2 a usage error).</summary>
    public const int RetrainExitCode = 3;

    public enum MonitorFormat
    {
        Table,
        Json,
    }

    public enum FailOn
    {
        Never,
        Retrain,
    }

    public sealed class Settings : WarehouseSettings
    {
        [CommandOption("--models <DIR>")]
        [Description("Model registry folder. Default: $GTM_MODELS, else ./models for the default warehouse and <warehouse name>/models beside any other")]
        public string? Models { get; init; }

        [CommandOption("-f|--format <FORMAT>")]
        [Description("table or json (one object per active model: accuracy by run, drift, verdict and reasons)")]
        [DefaultValue(MonitorFormat.Table)]
        public MonitorFormat Format { get; init; } = MonitorFormat.Table;

        [CommandOption("--fail-on <VERDICT>")]
        [Description("retrain: exit with code 3 when any model's verdict is 'retrain recommended' (default never: exit 0 whatever the verdict)")]
        [DefaultValue(FailOn.Never)]
        public FailOn FailOn { get; init; } = FailOn.Never;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var warehouse = settings.OpenWarehouse();
        var registry = new ModelRegistry(WarehouseSettings.ResolveModels(settings.Models, warehouse));
        var report = new ModelMonitor(warehouse, registry).Check();
        if (settings.Format == MonitorFormat.Json)
        {
            Console.WriteLine(Json(report).ToJsonString(ModelCard.Json));
        }
        else
        {
            Print(report);
        }

        return settings.FailOn == FailOn.Retrain && report.RetrainRecommended ? RetrainExitCode : 0;
    }

    private static void Print(MonitorReport report)
    {
        AnsiConsole.MarkupLine($"[bold]Are the scores right?[/] {Markup.Escape(report.Warehouse)}, models in {Markup.Escape(report.Registry)}");
        foreach (var m in report.Models)
        {
            AnsiConsole.WriteLine();
            var colour = m.Verdict switch { Verdicts.Retrain => "red", Verdicts.Ok => "green", _ => "yellow" };
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(m.Model)} {m.ActiveVersion}[/] ({m.Kind}{(m.CrossValidationAuc is { } cv ? F($", CV AUC {cv.Mean:0.000} [[{cv.Lower:0.000}-{cv.Upper:0.000}]]") : "")}): [{colour}]{Markup.Escape(m.Verdict)}[/]");
            foreach (var reason in m.Reasons)
            {
                AnsiConsole.MarkupLine($"  - {Markup.Escape(reason)}");
            }

            if (m.Accuracy.Count > 0)
            {
                var table = new Table().Title("realized accuracy by run").AddColumns("run", "version", "scored at (UTC)", "scored", "closed since", "won since", "realized AUC [[95%]]", "Brier", "calibration error");
                foreach (var a in m.Accuracy)
                {
                    table.AddRow(
                        Markup.Escape(a.RunId), a.ModelVersion, a.ScoredAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                        N(a.Scored), N(a.ClosedSince), N(a.WonSince),
                        a.RealizedAuc is { } auc ? Markup.Escape(F($"{auc:0.000} [{a.RealizedAucLow:0.000}-{a.RealizedAucHigh:0.000}]")) : "-",
                        a.Brier is { } b ? F($"{b:0.000}") : "-", a.CalibrationError is { } e ? F($"{e:0.000}") : "-");
                }

                AnsiConsole.Write(table);
            }
            else if (m.AccuracyNote is not null)
            {
                AnsiConsole.MarkupLine($"  realized accuracy: {Markup.Escape(m.AccuracyNote)}");
            }

            if (m.Drift.Count > 0)
            {
                var flagged = m.Drift.Where(d => d.Flagged || d.Kind == "score").ToList();
                var table = new Table().Title($"drift in run {Markup.Escape(m.LatestRunId ?? "")} ({m.Drift.Count(d => d.Flagged)} of {m.Drift.Count} columns moved)")
                    .AddColumns("column", "kind", "PSI", "reading", "rows", "note");
                foreach (var d in flagged)
                {
                    var reading = d.Reading switch { "significant" => "[red]significant[/]", "moderate" => "[yellow]moderate[/]", _ => d.Reading };
                    table.AddRow(Markup.Escape(d.Feature), d.Kind, F($"{d.Psi:0.000}"), reading, N(d.SampleSize), Markup.Escape(d.Note ?? ""));
                }

                AnsiConsole.Write(table);
            }
            else if (m.DriftNote is not null)
            {
                AnsiConsole.MarkupLine($"  drift: {Markup.Escape(m.DriftNote)}");
            }
        }

        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine($"[grey]{Markup.Escape(ModelMonitor.Rules)}[/]");
    }

    private static JsonObject Json(MonitorReport report) => new()
    {
        ["warehouse"] = report.Warehouse,
        ["registry"] = report.Registry,
        ["checked_at_utc"] = report.CheckedAtUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["retrain_recommended"] = report.RetrainRecommended,
        ["rules"] = ModelMonitor.Rules,
        ["models"] = new JsonArray([.. report.Models.Select(m => (JsonNode?)new JsonObject
        {
            ["model"] = m.Model,
            ["active_version"] = m.ActiveVersion,
            ["kind"] = m.Kind,
            ["cv_auc"] = m.CrossValidationAuc is { } cv ? new JsonObject { ["mean"] = cv.Mean, ["lower"] = cv.Lower, ["upper"] = cv.Upper } : null,
            ["verdict"] = m.Verdict,
            ["reasons"] = new JsonArray([.. m.Reasons.Select(r => (JsonNode?)r)]),
            ["latest_run_id"] = m.LatestRunId,
            ["accuracy"] = new JsonArray([.. m.Accuracy.Select(a => (JsonNode?)new JsonObject
            {
                ["run_id"] = a.RunId,
                ["model_version"] = a.ModelVersion,
                ["scored_at"] = a.ScoredAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["scored"] = a.Scored,
                ["closed_since"] = a.ClosedSince,
                ["won_since"] = a.WonSince,
                ["realized_auc"] = a.RealizedAuc,
                ["realized_auc_low"] = a.RealizedAucLow,
                ["realized_auc_high"] = a.RealizedAucHigh,
                ["brier"] = a.Brier,
                ["calibration_error"] = a.CalibrationError,
            })]),
            ["accuracy_note"] = m.AccuracyNote,
            ["drift"] = new JsonArray([.. m.Drift.Select(d => (JsonNode?)new JsonObject
            {
                ["feature"] = d.Feature,
                ["kind"] = d.Kind,
                ["psi"] = d.Psi,
                ["reading"] = d.Reading,
                ["flagged"] = d.Flagged,
                ["sample_size"] = d.SampleSize,
                ["note"] = d.Note,
            })]),
            ["drift_note"] = m.DriftNote,
        })]),
    };

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
