using System.Globalization;
using GtmMart.DemoData;
using GtmMart.Tests.Support;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;
using GtmMart.Warehouse.Testing;

namespace GtmMart.Tests.Building;

/// <summary>
/// The runner screens a relation's tests together (one scan, one aggregation per key set, a view's tests in its key's
/// aggregation), yet every one of the repository's data tests reports what its own failing-rows query finds alone: the
/// same pass or fail, failing-row count, columns and sample, on a good mart and on one whose tables break several tests
/// of the same relation at once.
/// </summary>
public sealed class DataTestScreenTests : IDisposable
{
    private readonly TestWarehouse db = new();
    private readonly ModelCatalog catalog = ModelCatalog.Load(RepoPaths.Sql);

    public void Dispose() => db.Dispose();

    [Fact]
    public void Every_test_reports_what_its_own_query_finds_on_a_good_and_on_a_broken_mart()
    {
        var raw = db.Folder.Sub("raw");
        DemoDataGenerator.Generate(new GeneratorOptions { OutputDirectory = raw, Accounts = 80, Seed = 3, Days = 60 });
        new RawLoader(db.Warehouse).Load(raw, new LoadOptions());
        var build = new MartBuilder(db.Warehouse, catalog).Build(fullRefresh: true);
        Assert.True(build.Published);

        var good = AssertSameAsAlone();
        Assert.All(good, r => Assert.True(r.Passed, r.Test.Name));

        // The touches' key is screened in the per-opportunity aggregation, as powers of two of touch_index: distinct
        // indexes that are not 1..n there (here 2, 4, 6, ...) are flagged, and the key test's own query then finds them unique.
        var touches = $"{SqlRewriter.BuildSchema("mart", build.BuildId)}.mrt_opportunity_touches";
        var sessions = $"{SqlRewriter.BuildSchema("core", build.BuildId)}.fct_web_sessions";
        const string Key = "primary_key(mart.mrt_opportunity_touches: opportunity_id, touch_index)";
        var doubled = $"opportunity_id = (select min(opportunity_id) from {touches} where touch_count between 3 and 20)";
        using (var connection = db.Warehouse.Open())
        {
            connection.Execute($"update {touches} set touch_index = 2 * touch_index where {doubled}");
        }

        var renumbered = AssertSameAsAlone();
        Assert.True(renumbered.Single(r => r.Test.Name == Key).Passed);
        Assert.False(renumbered.Single(r => r.Test.Name == "expression(mart.mrt_opportunity_touches: touch_index between 1 and touch_count)").Passed);
        using (var connection = db.Warehouse.Open())
        {
            connection.Execute($"update {touches} set touch_index = touch_index / 2 where {doubled}");
        }

        Assert.All(AssertSameAsAlone(), r => Assert.True(r.Passed, r.Test.Name));

        // A repeated key alone (each opportunity's count and credits unchanged): an index within 1..62 written twice, seen
        // by the powers of two only; and the last two indexes written as 70, whose rows the powers leave to an aggregation
        // of its own (the indexes left, 1..n-2, pass the powers). Each screen on its own must see its break.
        foreach (var (change, repeated) in new[] { ("touch_index = 2", 1), ("touch_index >= touch_count - 1", 70) })
        {
            List<(string Opportunity, string Session, int Index)> changed;
            using (var connection = db.Warehouse.Open())
            {
                var where = $"opportunity_id = (select max(opportunity_id) from {touches} where touch_count between 3 and 20) and {change}";
                changed = connection.Query($"select opportunity_id, session_id, touch_index from {touches} where {where}", r => (r.GetString(0), r.GetString(1), r.GetInt32(2)));
                connection.Execute($"update {touches} set touch_index = $repeated where {where}", ("repeated", repeated));
            }

            var once = AssertSameAsAlone();
            Assert.Equal(1, once.Single(r => r.Test.Name == Key).FailingRows);
            using (var connection = db.Warehouse.Open())
            {
                foreach (var (opportunity, session, index) in changed)
                {
                    connection.Execute($"update {touches} set touch_index = $index where opportunity_id = $opportunity and session_id = $session", ("index", index), ("opportunity", opportunity), ("session", session));
                }
            }
        }

        // Break several tests of the touches (a table), of the opportunity features, of core.fct_web_sessions, and of the
        // sessions' staging view at once.
        using (var connection = db.Warehouse.Open())
        {
            connection.Execute($"insert into {touches} select * from {touches} where not is_source_fallback order by opportunity_id, touch_index limit 1");
            connection.Execute($"update {touches} set channel = null where opportunity_id = (select max(opportunity_id) from {touches})");
            connection.Execute($"update {touches} set channel = 'Nowhere', session_id = 'no-such-session' where opportunity_id = (select min(opportunity_id) from {touches} where not is_source_fallback) and touch_index = 1");
            connection.Execute($"update {touches} set touch_index = 0 where opportunity_id = (select max(opportunity_id) from {touches} where touch_count > 2) and touch_index = 2");
            // Unknown opportunities in two relations.
            connection.Execute($"update {touches} set opportunity_id = 'no-such-opportunity' where opportunity_id = (select min(opportunity_id) from {touches} where touch_count = 1)");
            connection.Execute($"update {SqlRewriter.BuildSchema("mart", build.BuildId)}.mrt_opportunity_features set opportunity_id = 'no-such-opportunity' where opportunity_id = (select max(opportunity_id) from {sessions.Replace("fct_web_sessions", "fct_opportunities", StringComparison.Ordinal)})");
            connection.Execute($"update {sessions} set channel = 'Nowhere', pageviews = -1 where session_id in (select session_id from {sessions} order by session_id limit 3)");
            connection.Execute("update raw.web_analytics set pageviews = -2, conversions = -1 where session_id in (select session_id from raw.web_analytics order by session_id limit 2)");
            connection.Execute("update raw.web_analytics set session_id = (select min(session_id) from raw.web_analytics) where session_id = (select max(session_id) from raw.web_analytics)");
        }

        var broken = AssertSameAsAlone();
        var failed = broken.Where(r => !r.Passed).Select(r => r.Test.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var expected in new[]
                 {
                     "primary_key(mart.mrt_opportunity_touches: opportunity_id, touch_index)",
                     "not_null(mart.mrt_opportunity_touches.channel)",
                     "relationships(mart.mrt_opportunity_touches.channel -> core.dim_channels.channel)",
                     "relationships(mart.mrt_opportunity_touches.session_id -> core.fct_web_sessions.session_id)",
                     "relationships(mart.mrt_opportunity_touches.opportunity_id -> core.fct_opportunities.opportunity_id)",
                     "relationships(mart.mrt_opportunity_features.opportunity_id -> core.fct_opportunities.opportunity_id)",
                     "expression(mart.mrt_opportunity_touches: touch_index between 1 and touch_count)",
                     "expression(mart.mrt_opportunity_touches per opportunity_id: count(*) = max(touch_count))",
                     "expression(mart.mrt_opportunity_touches per opportunity_id, session_id: count(*) = 1)",
                     "expression(core.fct_web_sessions: pageviews >= 0)",
                     "relationships(core.fct_web_sessions.channel -> core.dim_channels.channel)",
                     "primary_key(staging.stg_web_sessions: session_id)",
                     "expression(staging.stg_web_sessions: pageviews >= 0)",
                     "expression(staging.stg_web_sessions: conversions >= 0)",
                 })
        {
            Assert.Contains(expected, failed);
        }

        // Tests of the same relations that still pass beside the broken ones.
        Assert.DoesNotContain("not_null(staging.stg_web_sessions.date_day)", failed);
        Assert.DoesNotContain("not_null(mart.mrt_opportunity_touches.account_id)", failed);

        // Screened as an incremental build screens them, each model read through a subquery (its rebuilt rows: here all
        // of them), where the relationships are counted as NOT EXISTS instead of EXCEPT: the same failures.
        var scoped = AssertSameAsAlone(narrowedBuild: build.BuildId);
        Assert.Equal(failed, scoped.Where(r => !r.Passed).Select(r => r.Test.Name).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>
    /// Runs every test through the runner (screened as a build screens them) and each one alone through its own
    /// failing-rows query, asserts they agree, and returns the runner's results.
    /// </summary>
    private IReadOnlyList<DataTestResult> AssertSameAsAlone(long? narrowedBuild = null)
    {
        using var connection = db.Warehouse.Open();
        var rewriter = SqlRewriter.Published(catalog.Models);
        Func<DataTest, SqlRewriter>? scoped = narrowedBuild is not { } id ? null : test =>
        {
            var (layer, name) = (test.Model.Split('.')[0], test.Model.Split('.')[1]);
            return SqlRewriter.ForBuild(catalog.Models, id).With(new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [test.Model] = $"(select * from {SqlRewriter.BuildSchema(layer, id)}.{name})",
            });
        };
        var results = narrowedBuild is { } build
            ? DataTestRunner.Run(connection, catalog.Tests, SqlRewriter.ForBuild(catalog.Models, build), scoped: scoped, views: catalog.Views)
            : DataTestRunner.Run(connection, catalog.Tests, rewriter, views: catalog.Views);
        Assert.Equal(catalog.Tests.Count, results.Count);
        foreach (var result in results)
        {
            var sql = rewriter.Rewrite(result.Test.FailingRowsSql);
            var alone = connection.Query($"select * from ({sql}) as failures", Row);
            Assert.True(alone.Count == result.FailingRows, $"{result.Test.Name}: {result.FailingRows} failing rows screened, {alone.Count} alone");
            Assert.Equal(Math.Min(alone.Count, DataTestRunner.SampleRows), result.Sample.Count);
            // The sample is rows of the test's own failing rows (all of them when there are no more than a sample's worth).
            Assert.All(result.Sample, row => Assert.Contains(string.Join("|", row), alone));
            if (alone.Count > 0)
            {
                Assert.Equal(Columns(connection, sql), result.ColumnNames);
            }
        }

        return results;
    }

    private static string Row(System.Data.Common.DbDataReader reader) => string.Join("|", Enumerable.Range(0, reader.FieldCount)
        .Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)));

    private static List<string> Columns(System.Data.Common.DbConnection connection, string sql)
    {
        using var command = connection.Command($"select * from ({sql}) as failures limit 0");
        using var reader = command.ExecuteReader();
        return Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
    }
}
