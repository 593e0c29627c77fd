using GtmMart.Cli.Commands;
using GtmMart.Warehouse.Connection;
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
            config.AddCommand<RunCommand>("run")
                .WithDescription("The main job: generate demo data (unless --raw is given), load, build, test, print a funnel summary, export features and train the models.")
                .WithExample("run")
                .WithExample("run", "--raw", "../shared/seed-data");
            config.AddCommand<GenerateCommand>("generate")
                .WithDescription("Write a deterministic demo data set (all five raw sources plus ground truth).")
                .WithExample("generate", "--out", "demo-raw", "--accounts", "2000", "--seed", "7");
            config.AddCommand<LoadCommand>("load")
                .WithDescription("Load a raw folder into the warehouse's raw schema; bad rows go to raw.load_rejects.")
                .WithExample("load", "--raw", "../shared/seed-data");
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
                .WithDescription("Train opportunity scoring and the ICP model from a Parquet feature snapshot and register them.")
                .WithExample("train", "--config", "training/configs/default.json");
            config.AddBranch("models", models =>
            {
                models.SetDescription("The model registry: list versions, show a model card, promote or roll back.");
                models.AddCommand<ModelsListCommand>("list").WithDescription("List models, versions and headline metrics.");
                models.AddCommand<ModelsShowCommand>("show").WithDescription("Print a version's model card (default: the active version).");
                models.AddCommand<ModelsPromoteCommand>("promote").WithDescription("Make a version the active one.");
                models.AddCommand<ModelsRollbackCommand>("rollback").WithDescription("Re-activate the version that was active before.");
            });
            config.AddCommand<BenchCommand>("bench")
                .WithDescription("Benchmark generate, load and build against DuckDB's single GROUP BY pass; writes docs/BENCHMARKS.md.");
            config.SetExceptionHandler((ex, _) =>
            {
                var message = ex is WarehouseException or CommandAppException or ArgumentException or IOException
                    ? ex.Message
                    : $"{ex.GetType().Name}: {ex.Message}";
                Console.Error.WriteLine($"error: {message.Split('\n')[0].Trim()}");
                return ex is CommandAppException ? 2 : 1;
            });
        });
        return app.Run(args);
    }
}
