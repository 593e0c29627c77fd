using GtmMart.Cli.Commands;
using GtmMart.DemoData;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Models;

namespace GtmMart.Bench;

/// <summary>The data and models the serving and scoring benchmarks measure, made through the product as <c>gtm run</c> makes them.</summary>
internal static class BenchData
{
    /// <summary>Generate (seed 1) > load > build > export > train in <paramref name="folder"/>. Returns the models' folder.</summary>
    public static string Prepare(
        DuckDbWarehouse warehouse, string folder, int accounts, string sqlDirectory, string? configPath, CancellationToken cancellationToken)
    {
        var raw = Path.Combine(folder, "raw");
        PipelineSteps.Generate(new GeneratorOptions { OutputDirectory = raw, Accounts = accounts, Seed = 1 }, cancellationToken);
        PipelineSteps.Load(warehouse, raw);
        PipelineSteps.Build(warehouse, ModelCatalog.Load(sqlDirectory), cancellationToken);
        var snapshot = Path.Combine(folder, "features");
        PipelineSteps.Export(warehouse, snapshot);
        var models = Path.Combine(folder, "models");
        PipelineSteps.Train(snapshot, configPath, models, null);
        return models;
    }
}
