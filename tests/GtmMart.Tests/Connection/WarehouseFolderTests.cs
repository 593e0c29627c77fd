using GtmMart.Warehouse.Connection;

namespace GtmMart.Tests.Connection;

/// <summary>Where a warehouse's own outputs go: today's layout for the default warehouse, a folder named after any other.</summary>
public sealed class WarehouseFolderTests
{
    [Fact]
    public void The_default_warehouse_keeps_the_gtm_folder_and_the_models_folder()
    {
        var warehouse = new DuckDbWarehouse(WarehouseLocator.DefaultPath);

        Assert.Equal(Path.GetFullPath(".gtm"), warehouse.LocalDirectory);
        Assert.Equal("models", warehouse.DefaultModelsDirectory);
    }

    [Fact]
    public void Any_other_warehouse_gets_a_folder_beside_it_named_after_it()
    {
        var eu = new DuckDbWarehouse("/data/gtm/eu.duckdb");
        var us = new DuckDbWarehouse("/data/gtm/us.duckdb");

        Assert.Equal("/data/gtm/eu", eu.LocalDirectory);
        Assert.Equal("/data/gtm/eu/models", eu.DefaultModelsDirectory);
        Assert.NotEqual(eu.LocalDirectory, us.LocalDirectory);
        Assert.Equal("/data/gtm/.gtm/warehouse", new DuckDbWarehouse("/data/gtm/.gtm/warehouse.duckdb").LocalDirectory);
    }
}
