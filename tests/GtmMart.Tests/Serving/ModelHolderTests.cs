using GtmMart.Scoring.Registry;
using GtmMart.Serving;
using GtmMart.Tests.Support;

namespace GtmMart.Tests.Serving;

[Collection(ServingTestGroup.Name)]
public sealed class ModelHolderTests(ServingFixture fixture)
{
    [Fact]
    public void Reload_swaps_to_the_newly_active_versions_and_an_old_reference_keeps_working()
    {
        using var folder = new TempDirectory();
        var registry = new ModelRegistry(folder.Sub("models"));
        fixture.Train(registry);
        var holder = new ModelHolder(registry);
        Assert.Null(holder.Current);

        var first = holder.Reload();
        Assert.Same(first, holder.Current);
        Assert.Equal(("opportunity-scoring", "v0001", "icp", "v0001"), (first.OpportunityModel, first.OpportunityVersion, first.IcpModel, first.IcpVersion));
        Assert.Equal("v0001", first.OpportunityCard!.Version);
        Assert.Equal("icp", first.IcpCard!.Model);

        // A second version by retraining (registered active), then promote back and forth.
        fixture.Train(registry);
        registry.Promote("opportunity-scoring", "v0001");
        registry.Promote("opportunity-scoring", "v0002");
        var second = holder.Reload();
        Assert.NotSame(first, second);
        Assert.Same(second, holder.Current);
        Assert.Equal(("v0002", "v0002"), (second.OpportunityVersion, second.IcpVersion));

        // The set a request took before the swap still scores (it is never disposed under it).
        var features = FeatureStore.Load(fixture.Db.Warehouse);
        var opportunity = features.OpenOpportunities[0];
        Assert.InRange(first.Opportunity.Score(opportunity).Score, 1, 99);
        Assert.InRange(first.Icp.Score(features.Accounts[0]).FitScore, 0, 100);

        registry.Rollback("icp");
        Assert.Equal(("v0002", "v0001"), (holder.Reload().OpportunityVersion, holder.Current!.IcpVersion));
    }

    [Fact]
    public void Loading_without_an_active_version_says_which_model_is_missing()
    {
        using var folder = new TempDirectory();
        var registry = new ModelRegistry(folder.Sub("models"));
        var holder = new ModelHolder(registry);

        var error = Assert.Throws<ServingException>(() => holder.Reload());
        Assert.Contains("opportunity-scoring", error.Message, StringComparison.Ordinal);
        Assert.Null(holder.Current);

        var state = new ServingState(fixture.Db.Warehouse, registry);
        Assert.False(state.Ready);
        Assert.Throws<ServingException>(state.Load);
        Assert.False(state.Ready);

        var ready = new ServingState(fixture.Db.Warehouse, fixture.Registry);
        ready.Load();
        Assert.True(ready.Ready);
        Assert.Equal(fixture.BuildId, ready.Features!.BuildId);
        var before = ready.Features;
        Assert.NotSame(before, ready.RefreshFeatures());
        Assert.Same(fixture.Db.Warehouse, ready.Warehouse);
    }
}
