using System.Diagnostics;
using GtmMart.Tests.Support;
using GtmMart.Warehouse;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Loading;

namespace GtmMart.Tests.Loading;

public sealed class RawLoaderTests : IDisposable
{
    private readonly TestWarehouse db = new();

    public void Dispose() => db.Dispose();

    [SeedFact]
    public void Seed_data_loads_every_row_with_no_rejects()
    {
        var report = new RawLoader(db.Warehouse).Load(RepoPaths.SeedData);

        Assert.Equal(368, Loaded(report, "ad_spend"));
        Assert.Equal(4930, Loaded(report, "web_analytics"));
        Assert.Equal(350, Loaded(report, "salesforce_opportunities"));
        Assert.Equal(0, report.Rejected);
        Assert.Equal(0L, db.Scalar<long>("select count(*) from raw.salesforce_accounts"));
        Assert.Equal(0L, db.Scalar<long>("select count(*) from raw.crm_contacts"));
        Assert.Equal(80L, db.Scalar<long>("select count(*) from raw.salesforce_opportunities where stage = 'Closed Won'"));
        // Empty UTM source (direct traffic) arrives as NULL, not as a rejected row.
        Assert.Equal(458L, db.Scalar<long>("select count(*) from raw.web_analytics where utm_source is null"));
    }

    [Fact]
    public void Every_bad_row_is_rejected_with_file_line_column_and_reason()
    {
        var raw = db.Folder.Sub("raw");
        RawFiles.WriteValid(raw);
        RawFiles.Write(raw, "ad_spend.csv", RawFiles.AdSpendHeader,
            "2025-07-01,CAMP_GA,Google Ads,google,demo-q3,100.50,200,4000",       // line 2 ok
            "2025-13-45,CAMP_GA,Google Ads,google,demo-q3,1.00,1,10",             // line 3 bad date
            "2025-07-02,CAMP_GA,Google Ads,google,demo-q3,abc,1,10",              // line 4 non-numeric
            "2025-07-03,CAMP_GA,Google Ads,google,demo-q3,-5.00,1,10",            // line 5 negative spend
            "2025-07-01,CAMP_GA,Google Ads,google,demo-q3,9.00,1,10",             // line 6 duplicate of line 2
            "2025-07-04,\"CAMP,QUOTED\",Google Ads,google,demo-q3,2.00,1,10",     // line 7 ok, quoted comma
            "2025-07-05,,Google Ads,google,demo-q3,2.00,1,10",                    // line 8 missing campaign_id
            "2025-07-06,CAMP_GA,Google Ads,google,demo-q3,2.00,1",                // line 9 missing a field
            "2025-07-07,CAMP_GA,Google Ads,google,demo-q3,3.00,2,20");            // line 10 ok
        RawFiles.Write(raw, "salesforce_opportunities.csv", RawFiles.OpportunitiesHeader,
            "O1,A1,2025-07-01,Closed Won,1000.00,Google Ads,Europe",
            "O2,A2,2025-07-02,Negotiation,500.00,Organic,APAC",
            "O3,A3,2025-07-02,Pipeline,,Organic,APAC");

        var report = new RawLoader(db.Warehouse).Load(raw, AcceptAll);

        var ad = report.Sources.Single(s => s.Source == "ad_spend");
        Assert.Equal((9L, 3L, 6L), (ad.Read, ad.Loaded, ad.Rejected));
        var rejects = db.Rows("select line, column_name, reason from raw.load_rejects where source = 'ad_spend' order by line")
            .Select(r => ((long)r[0]!, (string?)r[1], (string)r[2]!)).ToList();
        Assert.Equal(
            [
                (3L, "date", "bad date in date"),
                (4L, "spend_usd", "non-numeric spend_usd"),
                (5L, "spend_usd", "negative spend"),
                (6L, "date", "duplicate date/campaign_id (first seen on line 2)"),
                (8L, "campaign_id", "missing required value"),
            ],
            rejects.Take(5).ToList());
        Assert.Equal(9L, rejects[5].Item1);
        Assert.StartsWith("malformed row", rejects[5].Item3, StringComparison.Ordinal);

        Assert.Equal("CAMP,QUOTED", db.Scalar<string>("select campaign_id from raw.ad_spend where _line = 7"));
        Assert.Equal([2L, 7L, 10L], db.Rows("select _line from raw.ad_spend order by _line").Select(r => (long)r[0]!).ToArray());

        var opportunities = db.Rows("select line, column_name, reason, raw_value from raw.load_rejects where source = 'salesforce_opportunities' order by line");
        Assert.Equal([3L, "stage", "unknown stage (not in sql/seeds/opportunity_stages.csv)", "Negotiation"], opportunities[0]);
        Assert.Equal([4L, "amount_usd", "missing required value", null], opportunities[1]);
        Assert.Equal(report.Read, report.Loaded + report.Rejected);
    }

    [Fact]
    public void A_missing_required_file_is_an_error_and_changes_nothing()
    {
        var raw = db.Folder.Sub("raw");
        RawFiles.WriteValid(raw);
        new RawLoader(db.Warehouse).Load(raw);
        File.Delete(Path.Combine(raw, "web_analytics.csv"));
        RawFiles.Write(raw, "ad_spend.csv", RawFiles.AdSpendHeader, "2025-08-01,CAMP_X,Meta,facebook,x,1.00,1,10");

        var error = Assert.Throws<WarehouseException>(() => new RawLoader(db.Warehouse).Load(raw));

        Assert.Contains("web_analytics.csv", error.Message, StringComparison.Ordinal);
        Assert.Equal(2L, db.Scalar<long>("select count(*) from raw.ad_spend"));
        Assert.Equal(1L, db.Scalar<long>("select count(distinct load_id) from raw.load_log"));
    }

    [Fact]
    public async Task A_replacing_load_killed_before_it_commits_leaves_the_previous_raw_tables_and_the_next_load_clears_what_it_staged()
    {
        var raw = db.Folder.Sub("raw");
        RawFiles.WriteValid(raw);
        new RawLoader(db.Warehouse).Load(raw);
        const string Spend = "select * from raw.ad_spend order by all";
        const string Fingerprints = "select * from raw.fingerprints order by all";
        const string Staged = "select count(*) from duckdb_tables() where schema_name = 'raw' and starts_with(table_name, '_gtm_loading_')";
        var (spend, fingerprints) = (db.Rows(Spend), db.Rows(Fingerprints));
        RawFiles.Write(raw, "ad_spend.csv", RawFiles.AdSpendHeader, "2025-08-01,CAMP_X,Meta,facebook,x,1.00,1,10");

        // The new tables are written and committed beside the old ones; the kill comes inside the transaction that swaps them in.
        var environment = new Dictionary<string, string> { [Failpoint.EnvironmentVariable] = LoadMetadata.BeforeCommitFailpoint };
        using (var load = Process.Start(GtmProcess.StartInfo(RepoPaths.Root, environment, "load", "--raw", raw, "--warehouse", db.Warehouse.DatabasePath))!)
        {
            var lines = new List<string>();
            var reached = await ChildProcess.ReadUntilLineAsync(load, $"failpoint {LoadMetadata.BeforeCommitFailpoint} reached", lines);
            load.Kill(entireProcessTree: true);
            await load.WaitForExitAsync();
            Assert.True(reached, $"gtm load ended before the failpoint:\n{string.Join('\n', lines)}");
        }

        Assert.Equal(spend, db.Rows(Spend));
        Assert.Equal(fingerprints, db.Rows(Fingerprints));
        Assert.Equal(1L, db.Scalar<long>("select count(distinct load_id) from raw.load_log"));
        Assert.True(db.Scalar<long>(Staged) > 0, "the killed load committed no staged table: the test no longer kills it after staging");

        var report = new RawLoader(db.Warehouse).Load(raw);

        Assert.Equal(1, Loaded(report, "ad_spend"));
        Assert.Equal(1L, db.Scalar<long>("select count(*) from raw.ad_spend"));
        Assert.Equal(0L, db.Scalar<long>(Staged));
        using var connection = db.Warehouse.Open();
        Assert.True(RawFingerprints.Current(connection));
    }

    [Fact]
    public void A_missing_required_column_names_the_file_and_column_and_changes_nothing()
    {
        var raw = db.Folder.Sub("raw");
        RawFiles.WriteValid(raw);
        new RawLoader(db.Warehouse).Load(raw);
        RawFiles.Write(raw, "salesforce_opportunities.csv",
            "opportunity_id,account_id,created_date,amount_usd,source,owner_region",
            "O9,A9,2025-07-01,10.00,Meta,APAC");

        var error = Assert.Throws<WarehouseException>(() => new RawLoader(db.Warehouse).Load(raw));

        Assert.Contains("salesforce_opportunities.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing required column stage", error.Message, StringComparison.Ordinal);
        Assert.Equal(["O1", "O2"], db.Rows("select opportunity_id from raw.salesforce_opportunities order by 1").Select(r => (string)r[0]!).ToArray());
    }

    [Fact]
    public void An_unreadable_file_is_an_error_naming_it()
    {
        var raw = db.Folder.Sub("raw");
        RawFiles.WriteValid(raw);
        File.WriteAllBytes(Path.Combine(raw, "web_analytics.csv"), [0x00, 0x01, 0xFF, 0xFE, 0x00, 0x42]);

        var error = Assert.Throws<WarehouseException>(() => new RawLoader(db.Warehouse).Load(raw));

        Assert.Contains("web_analytics.csv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parquet_files_load_like_csv_and_bad_values_are_rejected_with_their_row_number()
    {
        var csv = db.Folder.Sub("csv");
        var parquet = db.Folder.Sub("parquet");
        RawFiles.WriteValid(csv);
        RawFiles.Write(csv, "salesforce_opportunities.csv", RawFiles.OpportunitiesHeader + ",close_date,owner_id",
            "O1,A1,2025-07-01,Closed Won,1000.00,Google Ads,Europe,2025-07-20,OWN1",
            "O2,A2,2025-07-02,Pipeline,500.00,Organic,APAC,,OWN2",
            "O3,A3,2025-07-03,Closed Lost,0,Organic,APAC,2025-07-01,OWN2");
        using (var connection = db.Warehouse.Open())
        {
            foreach (var name in new[] { "ad_spend", "web_analytics" })
            {
                connection.Execute($"copy (select * from read_csv($src, all_varchar = true)) to '{Path.Combine(parquet, name + ".parquet")}' (format parquet)",
                    ("src", Path.Combine(csv, name + ".csv")));
            }

            // Text columns in Parquet: a value that is not a date must be caught on conversion.
            connection.Execute($"copy (select * from read_csv($src, all_varchar = true) union all select 'O4','A4','not-a-date','Pipeline','5','Meta','APAC',null,null) to '{Path.Combine(parquet, "salesforce_opportunities.parquet")}' (format parquet)",
                ("src", Path.Combine(csv, "salesforce_opportunities.csv")));
        }

        var report = new RawLoader(db.Warehouse).Load(parquet, AcceptAll);

        Assert.Equal(3, report.Sources.Single(s => s.Source == "web_analytics").Loaded);
        var opportunities = report.Sources.Single(s => s.Source == "salesforce_opportunities");
        Assert.Equal((4L, 2L, 2L), (opportunities.Read, opportunities.Loaded, opportunities.Rejected));
        var rejects = db.Rows("select line, column_name, reason from raw.load_rejects where source = 'salesforce_opportunities' order by line");
        Assert.Equal([3L, "close_date", "close date before created date"], rejects[0]);
        Assert.Equal([4L, "created_date", "bad date in created_date"], rejects[1]);
        Assert.Equal("OWN1", db.Scalar<string>("select owner_id from raw.salesforce_opportunities where opportunity_id = 'O1'"));
    }

    [Fact]
    public void Optional_sources_load_when_present()
    {
        var raw = db.Folder.Sub("raw");
        RawFiles.WriteValid(raw);
        RawFiles.Write(raw, "salesforce_accounts.csv",
            "account_id,account_name,industry,employee_count,annual_revenue_usd,country,region,created_date",
            "A1,\"Acme, Inc.\",Software,250,12000000.00,DE,Europe,2024-01-10",
            "A2,Beta,,,,,,");
        RawFiles.Write(raw, "crm_contacts.csv", "user_id,account_id,job_level,department", "U1,A1,VP,Marketing", "U1,A2,Manager,Sales");

        var report = new RawLoader(db.Warehouse).Load(raw);

        Assert.Equal(2, report.Sources.Single(s => s.Source == "salesforce_accounts").Loaded);
        Assert.Equal("Acme, Inc.", db.Scalar<string>("select account_name from raw.salesforce_accounts where account_id = 'A1'"));
        Assert.Equal(1, report.Sources.Single(s => s.Source == "crm_contacts").Rejected);
    }

    /// <summary>These tests reject most of a small file on purpose: the refusal threshold is tested in <see cref="LoadFormatTests"/>.</summary>
    private static readonly LoadOptions AcceptAll = new() { MaxRejectedShare = 1 };

    private static long Loaded(LoadReport report, string source) => report.Sources.Single(s => s.Source == source).Loaded;
}
