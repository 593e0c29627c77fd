using GtmMart.Tests.Loading;
using GtmMart.Tests.Support;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;

namespace GtmMart.Tests.Building;

/// <summary>Vocabularies live in sql/seeds: the build loads them, editing one changes the mapping, unmapped values are reported.</summary>
public sealed class SeedTests : IDisposable
{
    private readonly TestWarehouse db = new();

    public void Dispose() => db.Dispose();

    [Fact]
    public void Cxo_is_senior_and_an_unknown_utm_source_is_reported_and_counted_as_other()
    {
        var raw = db.Folder.Sub("raw");
        RawFiles.WriteValid(raw);
        RawFiles.Write(raw, "web_analytics.csv", RawFiles.SessionsHeader,
            "S1,U1,2025-07-01,/pricing,google,demo-q3,3,1",
            "S2,U2,2025-07-01,/blog,Bing,,1,0",
            "S3,U2,2025-07-02,/demo,bing,,2,0");
        RawFiles.Write(raw, "crm_contacts.csv", "user_id,account_id,job_level,department", "U1,A1,CXO,Sales", "U2,A2,Chief Wizard,IT");
        new RawLoader(db.Warehouse).Load(raw);

        var build = new MartBuilder(db.Warehouse, ModelCatalog.Load(RepoPaths.Sql)).Build();

        Assert.True(build.Published, string.Join("; ", build.Failures.Select(f => f.Test.Name)));
        Assert.Equal([["S1", true, "Google Ads"], ["S2", false, "Other"], ["S3", false, "Other"]],
            db.Rows("select session_id, is_senior, channel from core.fct_web_sessions order by 1"));
        Assert.Equal(
            [new UnmappedValue("job_levels", "raw.crm_contacts.job_level", "chief wizard", 1), new UnmappedValue("utm_sources", "raw.web_analytics.utm_source", "bing", 2)],
            build.Unmapped);
        Assert.Equal([["utm_sources", "bing", 2L], ["job_levels", "chief wizard", 1L]],
            db.Rows("select seed, value, row_count from gtm_meta.unmapped_values where build_id = $id order by row_count desc", ("id", build.BuildId)));

        // Builds count them from the value counts the loads keep: an appended day and a replaced session are counted
        // as reading every raw row would count them.
        var day = db.Folder.Sub("day");
        RawFiles.Write(day, "web_analytics.csv", RawFiles.SessionsHeader, "S4,U1,2025-07-03,/blog, BING ,,1,0", "S3,U2,2025-07-02,/demo,yahoo,,2,0");
        new RawLoader(db.Warehouse).Load(day, new LoadOptions { Append = true });
        var catalog = ModelCatalog.Load(RepoPaths.Sql);
        var incremental = new MartBuilder(db.Warehouse, catalog).Build();
        Assert.StartsWith("incremental:", incremental.Mode, StringComparison.Ordinal);
        Assert.Equal(
            [new UnmappedValue("job_levels", "raw.crm_contacts.job_level", "chief wizard", 1), new UnmappedValue("utm_sources", "raw.web_analytics.utm_source", "bing", 2),
             new UnmappedValue("utm_sources", "raw.web_analytics.utm_source", "yahoo", 1)],
            incremental.Unmapped);
        using var connection = db.Warehouse.Open();
        Assert.Equal(Vocabularies.Unmapped(connection, catalog), incremental.Unmapped);
    }

    [Fact]
    public void Editing_a_seed_changes_the_mapping_with_no_code_change()
    {
        var raw = db.Folder.Sub("raw");
        RawFiles.WriteValid(raw);
        RawFiles.Write(raw, "web_analytics.csv", RawFiles.SessionsHeader, "S1,U1,2025-07-01,/pricing,bing,x,3,1");
        RawFiles.Write(raw, "salesforce_opportunities.csv", RawFiles.OpportunitiesHeader, "O1,A1,2025-07-01,Negotiation,1000.00,Paid Search,Europe");
        var sql = SqlCopy.Of(RepoPaths.Sql, db.Folder.Sub("sql"));
        File.AppendAllText(Path.Combine(sql, "seeds", "utm_sources.csv"), "bing,Google Ads\n");
        File.AppendAllText(Path.Combine(sql, "seeds", "channel_names.csv"), "paid search,Google Ads\n");
        File.AppendAllText(Path.Combine(sql, "seeds", "opportunity_stages.csv"), "negotiation,Negotiation,open\n");
        var catalog = ModelCatalog.Load(sql);
        var stages = catalog.Models.Single(m => m.Name == "opportunity_stages").Seed!.Keys;

        Assert.Throws<GtmMart.Warehouse.Connection.WarehouseException>(() => new RawLoader(db.Warehouse).Load(raw));
        new RawLoader(db.Warehouse).Load(raw, new LoadOptions { Stages = stages });
        var build = new MartBuilder(db.Warehouse, catalog).Build();

        Assert.True(build.Published, string.Join("; ", build.Failures.Select(f => f.Test.Name)));
        Assert.Empty(build.Unmapped);
        Assert.Equal("Google Ads", db.Scalar<string>("select channel from core.fct_web_sessions"));
        Assert.Equal(["Negotiation", "Google Ads", false], db.Rows("select stage, channel, is_closed from core.fct_opportunities").Single());
    }
}

/// <summary>A copy of a SQL folder a test may edit.</summary>
internal static class SqlCopy
{
    public static string Of(string source, string target)
    {
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }
}
