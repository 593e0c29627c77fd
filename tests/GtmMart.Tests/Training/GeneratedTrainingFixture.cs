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
        var data = ProductData.Prepare(Db, Accounts, seed: 11);
        Generated = data.Generated;
        Snapshot = data.Snapshot;
        Registry = new ModelRegistry(Db.Folder.Sub("models"));
        Run = TrainingPipeline.Run(Snapshot, ProductData.DefaultConfig, Registry, Generated.GroundTruthPath);
    }

    public TestWarehouse Db { get; } = new();

    public GeneratorResult Generated { get; }

    public string Snapshot { get; }

    public ModelRegistry Registry { get; }

    public TrainingRun Run { get; }

    public void Dispose() => Db.Dispose();
}
