using GtmMart.Scoring.Registry;
using GtmMart.Tests.Support;
using GtmMart.Training;

namespace GtmMart.Tests.Serving;

/// <summary>
/// A small generated data set taken through the product once (generate → load → build → export → train into a temp
/// registry), shared by the serving tests, which run one after the other (one collection) because they write to it.
/// </summary>
public sealed class ServingFixture : IDisposable
{
    public const int Accounts = 400;

    public ServingFixture()
    {
        var data = ProductData.Prepare(Db, Accounts, seed: 5);
        BuildId = data.BuildId;
        Snapshot = data.Snapshot;
        Registry = new ModelRegistry(Db.Folder.Sub("models"));
        Train(Registry);
    }

    public TestWarehouse Db { get; } = new();

    public long BuildId { get; }

    public string Snapshot { get; }

    public ModelRegistry Registry { get; }

    public static TrainingConfig Config => ProductData.DefaultConfig;

    /// <summary>Trains both models from the fixture's snapshot and registers (and activates) them in <paramref name="registry"/>.</summary>
    public TrainingRun Train(ModelRegistry registry) => TrainingPipeline.Run(Snapshot, Config, registry);

    /// <summary>A copy of the warehouse file in <paramref name="folder"/>, for tests that must not disturb the others.</summary>
    public string CopyWarehouse(TempDirectory folder)
    {
        var copy = folder.File("warehouse.duckdb");
        File.Copy(Db.Warehouse.DatabasePath, copy);
        var wal = Db.Warehouse.DatabasePath + ".wal";
        if (File.Exists(wal))
        {
            File.Copy(wal, copy + ".wal");
        }

        return copy;
    }

    public void Dispose() => Db.Dispose();
}

[CollectionDefinition(Name)]
public sealed class ServingTestGroup : ICollectionFixture<ServingFixture>
{
    public const string Name = "serving";
}
