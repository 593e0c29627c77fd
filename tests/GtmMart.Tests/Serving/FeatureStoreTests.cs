using GtmMart.Serving;

namespace GtmMart.Tests.Serving;

[Collection(ServingTestGroup.Name)]
public sealed class FeatureStoreTests(ServingFixture fixture)
{
    [Fact]
    public void Loads_every_row_of_the_published_feature_marts_and_finds_them_by_id()
    {
        var store = FeatureStore.Load(fixture.Db.Warehouse);

        Assert.Equal(fixture.BuildId, store.BuildId);
        Assert.True(store.LoadedAtUtc <= DateTime.UtcNow && store.LoadedAtUtc > DateTime.UtcNow.AddMinutes(-5));
        Assert.Equal(fixture.Db.Scalar<long>("select count(*) from mart.mrt_opportunity_features"), store.Opportunities.Count);
        Assert.Equal(fixture.Db.Scalar<long>("select count(*) from mart.mrt_opportunity_features where is_open"), store.OpenOpportunities.Count);
        Assert.Equal(fixture.Db.Scalar<long>("select count(*) from mart.mrt_account_features"), store.Accounts.Count);
        Assert.Equal(ServingFixture.Accounts, store.Accounts.Count);
        Assert.NotEmpty(store.OpenOpportunities);
        Assert.All(store.OpenOpportunities, o => Assert.False(o.IsClosed));

        // Values come through with their types: a closed-won row, NULL as NaN, dates as dates.
        var won = fixture.Db.Rows(
            "select opportunity_id, account_id, created_date, sessions_90d, channel from mart.mrt_opportunity_features where label_won = 1 order by opportunity_id limit 1")[0];
        Assert.True(store.TryGetOpportunity((string)won[0]!, out var row));
        Assert.True(row.IsClosed);
        Assert.True(row.Label);
        Assert.Equal((string)won[1]!, row.AccountId);
        Assert.Equal(Convert.ToDateTime(won[2] is DateOnly d ? d.ToDateTime(TimeOnly.MinValue) : won[2], System.Globalization.CultureInfo.InvariantCulture), row.CreatedDate);
        Assert.Equal(Convert.ToSingle(won[3], System.Globalization.CultureInfo.InvariantCulture), row["sessions_90d"].Number);
        Assert.Equal((string)won[4]!, row["channel"].Text);
        var nullDays = fixture.Db.Scalar<string>("select opportunity_id from mart.mrt_opportunity_features where days_since_last_session is null order by opportunity_id limit 1");
        if (nullDays is not null)
        {
            Assert.True(store.TryGetOpportunity(nullDays, out var unknown));
            Assert.True(float.IsNaN(unknown["days_since_last_session"].Number));
        }

        var open = store.OpenOpportunities[0];
        Assert.True(store.TryGetAccount(open.AccountId, out var account));
        Assert.Equal(open.AccountId, account.AccountId);
        Assert.False(string.IsNullOrEmpty(account.Industry));
        Assert.Contains(store.OpportunitiesOfAccount(open.AccountId), o => o.OpportunityId == open.OpportunityId);
        Assert.Equal(
            fixture.Db.Scalar<long>("select count(*) from mart.mrt_opportunity_features where account_id = $a", ("a", open.AccountId)),
            store.OpportunitiesOfAccount(open.AccountId).Count);

        Assert.False(store.TryGetOpportunity("no-such-opportunity", out _));
        Assert.False(store.TryGetAccount("no-such-account", out _));
        Assert.Empty(store.OpportunitiesOfAccount("no-such-account"));
    }

    [Fact]
    public void Rows_share_one_string_per_category_value()
    {
        var store = FeatureStore.Load(fixture.Db.Warehouse);
        var channel = Scoring.Features.OpportunityFeatureCatalog.Default.IndexOf("channel");
        var byValue = store.Opportunities.GroupBy(o => o.Categories[channel], StringComparer.Ordinal).Where(g => g.Count() > 1).ToList();
        Assert.NotEmpty(byValue);
        Assert.All(byValue, g => Assert.All(g, o => Assert.Same(g.First().Categories[channel], o.Categories[channel])));
        Assert.Equal(
            fixture.Db.Scalar<long>("select count(distinct coalesce(channel, '')) from mart.mrt_opportunity_features"),
            store.Opportunities.Select(o => o.Categories[channel]).Distinct(ReferenceEqualityComparer.Instance).LongCount());
    }

    [Fact]
    public void A_warehouse_without_a_published_mart_gives_a_clear_error()
    {
        using var empty = new Support.TestWarehouse();
        var error = Assert.Throws<ServingException>(() => FeatureStore.Load(empty.Warehouse));
        Assert.Contains("no published mart", error.Message, StringComparison.Ordinal);
    }
}
