using GtmMart.Tests.Support;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;

namespace GtmMart.Tests.Mart;

/// <summary>The seed data loaded and built once for all the figure tests.</summary>
public sealed class SeedMartFixture : IDisposable
{
    private readonly Lazy<BuildResult> build;

    public SeedMartFixture()
    {
        build = new Lazy<BuildResult>(() =>
        {
            new RawLoader(Db.Warehouse).Load(RepoPaths.SeedData);
            return new MartBuilder(Db.Warehouse, ModelCatalog.Load(RepoPaths.Sql)).Build();
        });
    }

    public TestWarehouse Db { get; } = new();

    public BuildResult Build => build.Value;

    public void Dispose() => Db.Dispose();
}
