using GtmMart.DemoData;
using GtmMart.Tests.Support;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;

namespace GtmMart.Tests.Building;

/// <summary>
/// An incremental build gives the same marts as a full refresh: every core and mart table is compared row for row
/// after appended days, a late-arriving day, a changed opportunity stage and a changed contact.
/// </summary>
public sealed class IncrementalBuildTests : IDisposable
{
    private static readonly string[] DatedSources = ["ad_spend", "web_analytics", "salesforce_opportunities"];

    private readonly TestWarehouse db = new();
    private readonly ModelCatalog catalog = ModelCatalog.Load(RepoPaths.Sql);

    public void Dispose() => db.Dispose();

    [Fact]
    public void Incremental_and_full_refresh_builds_give_identical_marts()
    {
        var all = db.Folder.Sub("all");
        DemoDataGenerator.Generate(new GeneratorOptions { OutputDirectory = all, Accounts = 150, Seed = 5, Days = 100 });
        var last = new DateOnly(2025, 1, 1).AddDays(99);
        var late = new DateOnly(2025, 1, 1).AddDays(60);

        // History without the last two days and without one day in the middle; then those days arrive one by one.
        Split(all, db.Folder.Sub("base"), d => d < last.AddDays(-1) && d != late, withUndated: true);
        Load("base", append: false);
        var first = Build();
        Assert.Equal("full", first.Mode);

        Split(all, db.Folder.Sub("day1"), d => d == last.AddDays(-1), withUndated: false);
        Load("day1", append: true);
        var day = Build();
        Assert.Matches(@"^incremental: 30 of \d+ days rebuilt \(1 changed", day.Mode);
        Assert.Contains(day.Timings, t => t.Name == MartBuilder.FingerprintsKept);
        AssertSameAsFullRefresh();

        Split(all, db.Folder.Sub("day2"), d => d == last, withUndated: false);
        Load("day2", append: true);
        Build();
        AssertSameAsFullRefresh();

        Split(all, db.Folder.Sub("late"), d => d == late, withUndated: false);
        Load("late", append: true);
        Assert.Matches(@"^incremental: 30 of \d+ days rebuilt \(1 changed", Build().Mode);
        AssertSameAsFullRefresh();

        // An open deal is won, and a visitor becomes a known senior contact of another account.
        var open = db.Rows("select opportunity_id, account_id, created_date, amount_usd, source, owner_region from raw.salesforce_opportunities where stage = 'Pipeline' order by opportunity_id limit 1").Single();
        var visitor = db.Rows("select user_id from raw.web_analytics where user_id not in (select user_id from raw.crm_contacts) order by user_id limit 1").Single()[0];
        var change = db.Folder.Sub("change");
        Loading.RawFiles.Write(change, "salesforce_opportunities.csv", "opportunity_id,account_id,created_date,stage,amount_usd,source,owner_region,close_date",
            $"{open[0]},{open[1]},{open[2]:yyyy-MM-dd},Closed Won,{open[3]},{open[4]},{open[5]},{last:yyyy-MM-dd}");
        Loading.RawFiles.Write(change, "crm_contacts.csv", "user_id,account_id,job_level,department", $"{visitor},{open[1]},CXO,Sales");
        Load("change", append: true);
        var changed = Build();
        Assert.StartsWith("incremental:", changed.Mode, StringComparison.Ordinal);
        Assert.True(changed.Published);
        AssertSameAsFullRefresh();
    }

    [Fact]
    public void A_full_refresh_takes_in_a_hand_edit_and_later_incremental_builds_still_match_a_full_refresh()
    {
        // A full refresh takes the fingerprints the loads kept (it hashes no raw row); a raw row edited by hand with the
        // same row count changes none of them, yet the full refresh rebuilds it, and the builds after it still find
        // exactly what later loads change: appended days, and a new version of the edited row itself.
        var all = db.Folder.Sub("all");
        DemoDataGenerator.Generate(new GeneratorOptions { OutputDirectory = all, Accounts = 80, Seed = 3, Days = 60 });
        var last = new DateOnly(2025, 1, 1).AddDays(59);
        Split(all, db.Folder.Sub("base"), d => d < last, withUndated: true);
        Load("base", append: false);
        Build();

        var edited = db.Rows("select session_id, pageviews from raw.web_analytics order by session_id limit 1").Single();
        using (var connection = db.Warehouse.Open())
        {
            connection.Execute("update raw.web_analytics set pageviews = pageviews + 7 where session_id = $id", ("id", edited[0]));
        }
        var refresh = Build(fullRefresh: true);
        Assert.Contains(refresh.Timings, t => t.Name == MartBuilder.FingerprintsKept);
        Assert.Equal(Convert.ToInt64(edited[1], System.Globalization.CultureInfo.InvariantCulture) + 7,
            db.Scalar<long>($"select pageviews from core.fct_web_sessions where session_id = '{edited[0]}'"));

        var day = db.Folder.Sub("day");
        Split(all, day, d => d == last, withUndated: false);
        new RawLoader(db.Warehouse).Load(day, new LoadOptions { Append = true });
        Assert.StartsWith("incremental:", Build().Mode, StringComparison.Ordinal);
        AssertSameAsFullRefresh();

        // The edited session arrives again with other values: its day is found changed and rebuilt.
        var lines = File.ReadAllLines(Path.Combine(all, "web_analytics.csv"));
        var header = lines[0].Split(',');
        var row = lines.Skip(1).Select(l => l.Split(',')).Single(r => r[Array.IndexOf(header, "session_id")] == (string)edited[0]!);
        row[Array.IndexOf(header, "pageviews")] = "42";
        Loading.RawFiles.Write(db.Folder.Sub("again"), "web_analytics.csv", lines[0], string.Join(',', row));
        new RawLoader(db.Warehouse).Load(Path.Combine(db.Folder.Path, "again"), new LoadOptions { Append = true });
        Assert.StartsWith("incremental:", Build().Mode, StringComparison.Ordinal);
        Assert.Equal(42, db.Scalar<long>($"select pageviews from core.fct_web_sessions where session_id = '{edited[0]}'"));
        AssertSameAsFullRefresh();
    }

    [Fact]
    public void An_incremental_build_tests_the_rows_it_rebuilt_and_fails_on_them_as_a_full_build_would()
    {
        // One more declared test on the sessions' core table and on their staging view, which only the new day's rows break.
        var sql = SqlCopy.Of(RepoPaths.Sql, db.Folder.Sub("sql"));
        foreach (var layer in new[] { "core", "staging" })
        {
            var declarations = Path.Combine(sql, layer, "_models.yml");
            File.WriteAllText(declarations, File.ReadAllText(declarations).Replace(
                "      - expression: \"pageviews >= 0\"", "      - expression: \"pageviews >= 0\"\n      - expression: \"pageviews < 1000\"", StringComparison.Ordinal));
        }

        var strict = ModelCatalog.Load(sql);
        var all = db.Folder.Sub("all");
        DemoDataGenerator.Generate(new GeneratorOptions { OutputDirectory = all, Accounts = 80, Seed = 3, Days = 60 });
        var last = new DateOnly(2025, 1, 1).AddDays(59);
        Split(all, db.Folder.Sub("base"), d => d < last, withUndated: true);
        Load("base", append: false);
        Assert.True(new MartBuilder(db.Warehouse, strict).Build(fullRefresh: true).Published);
        var sessions = db.Scalar<long>("select count(*) from core.fct_web_sessions");

        var day = db.Folder.Sub("day");
        Split(all, day, d => d == last, withUndated: false);
        var file = Path.Combine(day, "web_analytics.csv");
        var lines = File.ReadAllLines(file);
        var header = lines[0].Split(',');
        var row = lines[1].Split(',');
        row[Array.IndexOf(header, "pageviews")] = "5000";
        lines[1] = string.Join(',', row);
        File.WriteAllLines(file, lines);
        Load("day", append: true);

        var incremental = new MartBuilder(db.Warehouse, strict).Build();
        Assert.False(incremental.Published);
        Assert.Matches(@"; \d+ of \d+ data tests on the rebuilt rows$", incremental.Mode);
        // The staging view is tested on the changed day's rows only (its other days' raw rows were tested before), and still fails.
        Assert.Equal(
            ["expression(core.fct_web_sessions: pageviews < 1000)", "expression(staging.stg_web_sessions: pageviews < 1000)"],
            incremental.Failures.Select(f => f.Test.Name).Order(StringComparer.Ordinal));
        Assert.All(incremental.Failures, f => Assert.Equal(1, f.FailingRows));
        Assert.Contains(incremental.Tests, t => t.Test.Model == "staging.stg_web_sessions" && t.Test.KeyColumns.Count > 0 && t.Passed);
        Assert.Equal(sessions, db.Scalar<long>("select count(*) from core.fct_web_sessions"));

        // A full refresh of the same data finds the same failures.
        var full = new MartBuilder(db.Warehouse, strict).Build(fullRefresh: true);
        Assert.Equal(2, full.Failures.Count(f => f.FailingRows == 1));
        Assert.Equal(2, full.Failures.Count());
    }

    private BuildResult Build(bool fullRefresh = false)
    {
        var result = new MartBuilder(db.Warehouse, catalog).Build(fullRefresh);
        Assert.True(result.Published, string.Join("; ", result.Failures.Select(f => f.Test.Name)));
        return result;
    }

    /// <summary>Loads the folder, then checks the fingerprints the load kept are those of the raw tables as they now are.</summary>
    private void Load(string folder, bool append)
    {
        new RawLoader(db.Warehouse).Load(Path.Combine(db.Folder.Path, folder), new LoadOptions { Append = append });
        const string kept = $"select kind, key, sum(n) as n, sum(h) as h from {RawFingerprints.Table} group by kind, key";
        var computed = $"select kind, key, n, h from ({RawFingerprints.SelectAll()})";
        Assert.True(db.Scalar<long>($"select count(*) from {RawFingerprints.Table}") > 0);
        Assert.Equal(0, db.Scalar<long>($"select count(*) from ({kept} except all {computed})"));
        Assert.Equal(0, db.Scalar<long>($"select count(*) from ({computed} except all {kept})"));
    }

    /// <summary>Keeps every core and mart table as the incremental build left it, rebuilds from scratch and compares.</summary>
    private void AssertSameAsFullRefresh()
    {
        var tables = catalog.Models.Where(m => m.Layer is "core" or "mart").Select(m => m.QualifiedName).ToList();
        using (var connection = db.Warehouse.Open())
        {
            foreach (var table in tables)
            {
                connection.Execute($"create or replace table main.\"{table}\" as select * from {table}");
            }
        }

        var full = Build(fullRefresh: true);
        Assert.Equal("full", full.Mode);
        foreach (var table in tables)
        {
            var extra = db.Scalar<long>($"select count(*) from (select * from main.\"{table}\" except all select * from {table})");
            var missing = db.Scalar<long>($"select count(*) from (select * from {table} except all select * from main.\"{table}\")");
            Assert.True(extra == 0 && missing == 0, $"{table}: {extra} rows only in the incremental build, {missing} only in the full refresh");
        }
    }

    /// <summary>Copies the rows of the dated sources whose date passes <paramref name="keep"/> (and, when asked, the undated sources whole).</summary>
    private static void Split(string from, string to, Func<DateOnly, bool> keep, bool withUndated)
    {
        foreach (var file in Directory.GetFiles(from, "*.csv"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var lines = File.ReadAllLines(file);
            if (!DatedSources.Contains(name))
            {
                if (withUndated)
                {
                    File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
                }

                continue;
            }

            var column = Array.IndexOf(lines[0].Split(','), name switch { "ad_spend" => "date", "web_analytics" => "session_date", _ => "created_date" });
            File.WriteAllLines(Path.Combine(to, Path.GetFileName(file)),
                lines.Take(1).Concat(lines.Skip(1).Where(l => keep(DateOnly.Parse(l.Split(',')[column], System.Globalization.CultureInfo.InvariantCulture)))));
        }
    }
}
