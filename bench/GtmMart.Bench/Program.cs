using GtmMart.Bench;
using GtmMart.Bench.Mart;
using GtmMart.Bench.Scoring;
using GtmMart.Bench.Serving;
using GtmMart.Bench.Training;
using Spectre.Console;
using Spectre.Console.Cli;

if (Console.IsOutputRedirected)
{
    // Logs and pipes have no terminal width: do not wrap at 80 columns.
    AnsiConsole.Profile.Width = 160;
}

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("dotnet run --project bench/GtmMart.Bench -c Release --");
    config.AddCommand<MartBenchCommand>("mart")
        .WithDescription("Generate, load and build at each size against DuckDB's single GROUP BY pass and a copy of the raw sessions; writes its section of docs/BENCHMARKS.md.")
        .WithExample("mart", "--sessions", "1000000,10000000");
    config.AddCommand<TrainingBenchCommand>("training")
        .WithDescription("Feature export (vs DuckDB COPY), end-to-end training and FastTree vs LightGBM at each size; writes its section of docs/BENCHMARKS.md.")
        .WithExample("training", "--opportunities", "100000,1000000");
    config.AddCommand<PeerBenchCommand>("peer")
        .WithDescription("gtm train against scikit-learn (logistic regression, HistGradientBoosting) on one snapshot, 1 thread and all, and FastTree vs LightGBM on the same featurized split; writes its section of docs/BENCHMARKS.md.")
        .WithExample("peer", "--opportunities", "100000");
    config.AddCommand<BoosterBenchCommand>("boosters")
        .WithDescription("FastTree (the product's settings and variants) against LightGBM on one featurized split, in rounds, each thread count in its own process; writes its section of docs/BENCHMARKS.md.")
        .WithExample("boosters", "--snapshot", ".gtm/features", "--threads", "1,2");
    config.AddCommand<ServingBenchCommand>("serving")
        .WithDescription("The gRPC server: unary scoring vs the empty call, ScoreStream vs in-process batch, write-back vs a raw Appender; writes its section of docs/BENCHMARKS.md.")
        .WithExample("serving", "--accounts", "2000");
    config.AddCommand<ScoringBenchCommand>("scoring")
        .WithDescription("BenchmarkDotNet: per-row opportunity scoring as served, against the same model without reasons and with ML.NET's featurizer; writes its section of docs/BENCHMARKS.md.")
        .WithExample("scoring", "--accounts", "2000");
    config.AddCommand<MachineCommand>("machine")
        .WithDescription("Print the machine line the benchmarks record (cores, the machine's memory, OS, .NET, time).");
    config.SetExceptionHandler((ex, _) =>
    {
        Console.Error.WriteLine($"error: {ex.Message.Split('\n')[0].Trim()}");
        return ex is CommandAppException ? 2 : 1;
    });
});
return app.Run(args);
