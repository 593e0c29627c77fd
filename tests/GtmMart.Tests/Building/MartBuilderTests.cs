using GtmMart.Tests.Loading;
using GtmMart.Tests.Support;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;

namespace GtmMart.Tests.Building;

/// <summary>Write-audit-publish: a build that fails in any way leaves the published mart exactly as it was.</summary>
public sealed class MartBuilderTests : IDisposable
{
    private const string Fingerprint = "select count(*), sum(sessions), sum(spend_usd), sum(opportunities) from mart.mrt_channel_funnel";

    private readonly TestWarehouse db = new();

    public void Dispose() => db.Dispose();

    [Fact]
    public void A_clean_build_publishes_views_over_its_own_tables_and_cleans_up_older_builds()
    {
        LoadSmallRaw();
        var catalog = ModelCatalog.Load(RepoPaths.Sql);

        var first = new MartBuilder(db.Warehouse, catalog).Build();
        var second = new MartBuilder(db.Warehouse, catalog).Build(fullRefresh: true);

        Assert.True(first.Published, string.Join("; ", first.Failures.Select(f => f.Test.Name)));
        Assert.True(second.Published);
        Assert.Equal(second.BuildId, db.Scalar<long>("select max(build_id) from gtm_meta.builds where status = 'published'"));
        Assert.Equal(3L, db.Scalar<long>("select sum(sessions) from mart.mrt_channel_funnel"));
        var schemas = db.Rows("select schema_name from information_schema.schemata where schema_name like '%\\_\\_b%' escape '\\' order by 1")
            .Select(r => (string)r[0]!).ToList();
        Assert.Equal([$"core__b{second.BuildId:D4}", $"mart__b{second.BuildId:D4}", $"seeds__b{second.BuildId:D4}", $"staging__b{second.BuildId:D4}"], schemas);
    }

    [Fact]
    public void A_failing_data_test_blocks_publishing_and_the_previous_mart_stays()
    {
        LoadSmallRaw();
        var sql = CopyOfRepositorySql();
        new MartBuilder(db.Warehouse, ModelCatalog.Load(sql)).Build();
        var before = db.Rows(Fingerprint);

        File.WriteAllText(Path.Combine(sql, "mart", "mrt_always_fails.sql"), "select 1 as id");
        File.AppendAllText(Path.Combine(sql, "mart", "_models.yml"),
            "\n  - name: mrt_always_fails\n    primary_key: [id]\n    tests:\n      - expression: \"id = 2\"\n");
        AddOneMoreSession();
        var result = new MartBuilder(db.Warehouse, ModelCatalog.Load(sql)).Build();

        Assert.False(result.Published);
        Assert.Equal(["expression(mart.mrt_always_fails: id = 2)"], result.Failures.Select(f => f.Test.Name));
        Assert.Equal(before, db.Rows(Fingerprint));
        Assert.Equal("failed", db.Scalar<string>("select status from gtm_meta.builds where build_id = $id", ("id", result.BuildId)));
    }

    [Fact]
    public void A_model_that_fails_to_run_leaves_the_previous_mart()
    {
        LoadSmallRaw();
        var sql = CopyOfRepositorySql();
        new MartBuilder(db.Warehouse, ModelCatalog.Load(sql)).Build();
        var before = db.Rows(Fingerprint);

        File.WriteAllText(Path.Combine(sql, "mart", "mrt_broken.sql"), "select no_such_column from core.dim_dates");
        AddOneMoreSession();
        var error = Assert.Throws<WarehouseException>(() => new MartBuilder(db.Warehouse, ModelCatalog.Load(sql)).Build());

        Assert.Contains("mart.mrt_broken", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, db.Rows(Fingerprint));
        Assert.Equal(0L, db.Scalar<long>("select count(*) from information_schema.schemata where schema_name like 'mart__b0002'"));
    }

    private void LoadSmallRaw()
    {
        var raw = db.Folder.Sub("raw");
        RawFiles.WriteValid(raw);
        new RawLoader(db.Warehouse).Load(raw);
    }

    private void AddOneMoreSession()
    {
        using var connection = db.Warehouse.Open();
        connection.Execute("insert into raw.web_analytics values ('S9', 'U9', date '2025-07-02', '/', 'google', 'demo-q3', 1, 0, 'x', 99)");
    }

    private string CopyOfRepositorySql() => SqlCopy.Of(RepoPaths.Sql, db.Folder.Sub("sql"));
}
