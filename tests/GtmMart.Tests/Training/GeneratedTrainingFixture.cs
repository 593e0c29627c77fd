using GtmMart.DemoData;
using GtmMart.Scoring.Registry;
using GtmMart.Tests.Support;
using GtmMart.Training;
using GtmMart.Training.Export;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;

namespace GtmMart.Tests.Training;

/// <summary>
/// A generated data set with more than 20k closed opportunities, taken through the whole product once:
/// generate → load → build → export to Parquet → train and register both models.
/// </summary>
public sealed class GeneratedTrainingFixture : IDisposable
{
    public const int Accounts = 6_500;

    public GeneratedTrainingFixture()
    {
        var raw = Db.Folder.Sub("raw");
        Generated = DemoDataGenerator.Generate(new GeneratorOptions { OutputDirectory = raw, Accounts = Accounts, Seed = 11 });
        new RawLoader(Db.Warehouse).Load(raw);
        var build = new MartBuilder(Db.Warehouse, ModelCatalog.Load(RepoPaths.Sql)).Build();
        if (!build.Published)
        {
            throw new InvalidOperationException("the generated mart did not publish: " + string.Join("; ", build.Failures.Select(f => f.Test.Name)));
        }

        Snapshot = Db.Folder.Sub("features");
        FeatureExporter.Export(Db.Warehouse, Snapshot, FeatureExporter.DefaultTables);
        Registry = new ModelRegistry(Db.Folder.Sub("models"));
        Run = TrainingPipeline.Run(Snapshot, TrainingConfig.Load(Path.Combine(RepoPaths.Root, TrainingConfig.DefaultPath)), Registry, Generated.GroundTruthPath);
    }

    public TestWarehouse Db { get; } = new();

    public GeneratorResult Generated { get; }

    public string Snapshot { get; }

    public ModelRegistry Registry { get; }

    public TrainingRun Run { get; }

    public void Dispose() => Db.Dispose();
}
