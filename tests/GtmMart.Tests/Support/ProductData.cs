using GtmMart.DemoData;
using GtmMart.Training;
using GtmMart.Training.Export;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;

namespace GtmMart.Tests.Support;

/// <summary>A generated data set taken through the product: generate → load → build (published) → export to Parquet.</summary>
public sealed record ProductData(GeneratorResult Generated, long BuildId, string Snapshot)
{
    /// <summary>The repository's default training config.</summary>
    public static TrainingConfig DefaultConfig => TrainingConfig.Load(Path.Combine(RepoPaths.Root, TrainingConfig.DefaultPath));

    /// <param name="shape">Changes the generator's options (another channel mix, bigger accounts, ...).</param>
    public static ProductData Prepare(TestWarehouse db, int accounts, int seed, Func<GeneratorOptions, GeneratorOptions>? shape = null)
    {
        var raw = db.Folder.Sub("raw");
        var options = new GeneratorOptions { OutputDirectory = raw, Accounts = accounts, Seed = seed };
        var generated = DemoDataGenerator.Generate(shape is null ? options : shape(options));
        new RawLoader(db.Warehouse).Load(raw);
        var build = new MartBuilder(db.Warehouse, ModelCatalog.Load(RepoPaths.Sql)).Build();
        if (!build.Published)
        {
            throw new InvalidOperationException("the generated mart did not publish: " + string.Join("; ", build.Failures.Select(f => f.Test.Name)));
        }

        var snapshot = db.Folder.Sub("features");
        FeatureExporter.Export(db.Warehouse, snapshot, FeatureExporter.DefaultTables);
        return new ProductData(generated, build.BuildId, snapshot);
    }
}
