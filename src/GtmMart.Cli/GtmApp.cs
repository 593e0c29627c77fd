using GtmMart.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli;

/// <summary>The <c>gtm</c> command tree.</summary>
public static class GtmApp
{
    public static int Run(string[] args)
    {
        if (Console.IsOutputRedirected)
        {
            // Logs and pipes have no terminal width: do not wrap tables at 80 columns.
            AnsiConsole.Profile.Width = 160;
        }

        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("gtm");
            config.SetHelpProvider(new InlineHelp(config.Settings));
            config.AddCommand<RunCommand>("run")
                .WithDescription("The main job: generate demo data (unless --raw is given), load, build, test, print a funnel summary, export features, train the models, write scores back and write the GTM dashboard.")
                .WithExample("run")
                .WithExample("run", "--raw", "../shared/seed-data");
            config.AddCommand<GenerateCommand>("generate")
                .WithDescription("Write a deterministic demo data set (all five raw sources plus ground truth).")
                .WithExample("generate", "--out", "demo-raw", "--accounts", "2000", "--seed", "7");
            config.AddCommand<LoadCommand>("load")
                .WithDescription("Load a raw folder into the warehouse's raw schema (or --append new files to it); every record is loaded or rejected into raw.load_rejects, and a required source losing more than --max-rejected fails the load. The five sources' columns, types, formats and which optional source unlocks which features: docs/RAW_DATA.md.")
                .WithExample("load", "--raw", "../shared/seed-data")
                .WithExample("load", "--raw", "exports", "--date-format", "us", "--encoding", "windows-1252")
                .WithExample("load", "--append", "exports/2025-09-29");
            config.AddCommand<BuildCommand>("build")
                .WithDescription("Build staging, core and mart; publish only when every data test passes.");
            config.AddCommand<TestCommand>("test")
                .WithDescription("Run the data tests against the published mart and list failing rows.");
            config.AddCommand<SqlCommand>("sql")
                .WithDescription("Run a query against the warehouse.")
                .WithExample("sql", "select * from mart.mrt_channel_funnel limit 5", "--format", "csv");
            config.AddCommand<ExportFeaturesCommand>("export-features")
                .WithDescription("Write the feature marts to Parquet (with a manifest and content hash) for training.")
                .WithExample("export-features", "--out", ".gtm/features");
            config.AddCommand<TrainCommand>("train")
                .WithDescription("Train opportunity scoring and the ICP model from a Parquet feature snapshot and register them; each becomes active only when it passes the promotion gate (docs/MODELS.md).")
                .WithExample("train", "--config", "training/configs/default.json");
            config.AddCommand<ReportCommand>("report")
                .WithDescription("Write the GTM dashboard: one self-contained HTML file (funnel, month over month, channel efficiency, paid vs organic, ICP mix, priority accounts) from the mart and score tables.")
                .WithExample("report", "--out", "report.html");
            config.AddCommand<ScoreCommand>("score").WithDescription("Score open opportunities and all accounts with the active models and write the scores back in one transaction.");
            config.AddCommand<MonitorCommand>("monitor")
                .WithDescription("Are the scores right? Per active model: realized accuracy by run and version, drift flags of the latest write-back, and a verdict (ok, retrain recommended, not enough closed deals yet); --format json for schedulers, --fail-on retrain to exit 3 when a retrain is recommended.")
                .WithExample("monitor", "--format", "json", "--fail-on", "retrain");
            config.AddBranch("models", models =>
            {
                models.SetDescription("The model registry: list versions, show a model card, promote or roll back.");
                models.AddCommand<ModelsListCommand>("list").WithDescription("List every version: status (active, candidate, refused by the promotion gate, baseline) and why, trust verdict, and the data it came from (warehouse, build, data hash); --format json for scripts.");
                models.AddCommand<ModelsShowCommand>("show").WithDescription("Print a version's model card (default: the active version).");
                models.AddCommand<ModelsPromoteCommand>("promote").WithDescription("Make a version the active one (a version the promotion gate refused needs --force, which is recorded).");
                models.AddCommand<ModelsRollbackCommand>("rollback").WithDescription("Re-activate the version that was active before.");
            });
            config.AddCommand<ServeCommand>("serve")
                .WithDescription("Serve scoring, models, write-back and reporting over gRPC (loads features and the active models; Ctrl+C stops).")
                .WithExample("serve", "--urls", "http://127.0.0.1:5080");
            config.AddBranch("client", client =>
            {
                client.SetDescription("Call a running gtm serve over gRPC and print the response as JSON (API key from --api-key or $GTM_API_KEY).");
                client.AddCommand<ClientScoreOpportunitiesCommand>("score-opportunities").WithDescription("Score opportunities by id.");
                client.AddCommand<ClientScoreInlineCommand>(InlineHelp.Command)
                    .WithDescription("Score a new deal given by its features (--channel, --sessions-30d, ...; --help lists them); warnings say what the model did not know.")
                    .WithExample("client", InlineHelp.Command, "--channel", "Partner", "--amount-usd", "25000", "--sessions-30d", "12", "--demo-visits-30d", "3");
                client.AddCommand<ClientScoreAccountsCommand>("score-accounts").WithDescription("Score accounts against the ICP by id.");
                client.AddCommand<ClientScoreAccountInlineCommand>("score-account-inline")
                    .WithDescription("Score a new account or lead against the ICP from its firmographics; warnings say what the model did not know.")
                    .WithExample("client", "score-account-inline", "--industry", "Software", "--employee-band", "200-999", "--region", "Europe");
                client.AddCommand<ClientAccountOpportunitiesCommand>("account-opportunities").WithDescription("An account's open opportunities with their scores (--include-closed for all).");
                client.AddCommand<ClientAllowedValuesCommand>("allowed-values").WithDescription("The categories (channels, employee bands, regions, industries, ...) the served models know.");
                client.AddCommand<ClientStreamCommand>("stream").WithDescription("Bulk-score ids read from stdin (one a line) over a bidirectional stream.");
                client.AddCommand<ClientModelsCommand>("models").WithDescription("List models, versions and what is served.");
                client.AddCommand<ClientModelCardCommand>("model-card").WithDescription("Print a model card.");
                client.AddCommand<ClientReloadCommand>("reload").WithDescription("Make the server load the registry's active versions.");
                client.AddCommand<ClientWriteBackCommand>("write-back").WithDescription("Score everything and write the scores to the warehouse.");
                client.AddCommand<ClientFunnelCommand>("funnel").WithDescription("Monthly channel funnel metrics for a month range.");
                client.AddCommand<ClientAttributionCommand>("attribution").WithDescription("Multi-touch attribution per month, channel and model, with CAC and ROAS.");
                client.AddCommand<ClientScoreHistoryCommand>("score-history").WithDescription("Every kept run's score of one opportunity (--opportunity ID) or account (--account ID), newest first, with its reasons.");
                client.AddCommand<ClientScoreChangesCommand>("score-changes").WithDescription("Score changes since a run (--since RUN_ID; default the latest run's), at least --min-delta points, largest first, one page (--page-token for the next).");
                client.AddCommand<ClientPriorityAccountsCommand>("priority-accounts").WithDescription("Accounts ranked by fit x open pipeline x win probability.");
                client.AddCommand<ClientLoadCommand>("load").WithDescription("Load the server with concurrent calls (ping, one-id scoring) side by side; calls/s, latency, CPU per call as JSON.");
                client.AddCommand<ClientHealthCommand>("health").WithDescription("grpc.health.v1 check (no API key needed).");
            });
            config.SetExceptionHandler((ex, _) =>
            {
                // Only the message's first line reaches the terminal: no exception type names, no stack trace.
                Console.Error.WriteLine($"error: {ex.Message.Split('\n')[0].Trim()}");
                return ex is CommandAppException ? 2 : 1;
            });
        });
        return app.Run(args);
    }
}
