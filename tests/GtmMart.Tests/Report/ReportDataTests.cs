using System.Globalization;
using System.Text.Json;
using GtmMart.Reporting;
using GtmMart.Server.Services;
using GtmMart.Serving;
using GtmMart.Serving.Monitoring;
using GtmMart.Tests.Serving;
using GtmMart.Tests.Support;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Models;

namespace GtmMart.Tests.Report;

/// <summary>The report queries and data without a browser: what they read, how the data is embedded, missing inputs.</summary>
public sealed class ReportQueryTests
{
    private static string Folder => GtmReport.QueryDirectory(RepoPaths.Sql);

    [Fact]
    public void Every_dataset_the_page_needs_has_one_query_reading_only_the_mart_core_and_score_tables()
    {
        var queries = ReportQuery.LoadAll(Folder);

        Assert.Equal(ReportQuery.Datasets.Order(StringComparer.Ordinal), queries.Select(q => q.Name).Order(StringComparer.Ordinal));
        Assert.All(queries, q =>
        {
            Assert.NotEmpty(q.Relations);
            Assert.All(q.Relations, r => Assert.True(
                r.StartsWith("mart.", StringComparison.Ordinal) || r.StartsWith("core.", StringComparison.Ordinal) || r.StartsWith("gtm_meta.", StringComparison.Ordinal),
                $"{q.Path} reads {r}: report queries read the published mart, core and score tables only"));
        });
        Assert.Contains("mart.mrt_monthly_channel_metrics", queries.Single(q => q.Name == "funnel").Relations);
        Assert.Contains("mart.mrt_account_scores", queries.Single(q => q.Name == "icp_mix").Relations);
    }

    [Fact]
    public void Report_queries_are_not_models_the_build_runs()
    {
        var catalog = ModelCatalog.Load(RepoPaths.Sql);

        Assert.DoesNotContain(catalog.Models, m => m.Path.Contains($"{Path.DirectorySeparatorChar}{ReportQuery.Folder}{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        Assert.DoesNotContain(catalog.Models, m => m.Name == "funnel" || m.Name == "channel_efficiency");
    }

    [Fact]
    public void Embedded_data_cannot_close_its_script_element_and_reads_back_unchanged()
    {
        const string hostile = "</script><script>alert('x')</script> & <!-- \"quoted\" \u2028";
        var data = new ReportData
        {
            GeneratedAtUtc = new DateTime(2025, 9, 1, 8, 30, 0, DateTimeKind.Utc),
            Warehouse = "duckdb:test",
            Datasets = new Dictionary<string, ReportDataset>
            {
                ["x"] = new(["text", "n", "d", "flag"], [[hostile, 1.5m, 0.25, true], [null, 3L, null, false]]),
            },
            Unavailable = new Dictionary<string, string>(),
            Models = [],
        };

        var json = ReportHtml.Json(data);
        var html = ReportHtml.Render(data);

        Assert.DoesNotContain("<", json, StringComparison.Ordinal);
        Assert.DoesNotContain("&", json, StringComparison.Ordinal);
        var row = JsonDocument.Parse(json).RootElement.GetProperty("datasets").GetProperty("x").GetProperty("rows")[0];
        Assert.Equal(hostile, row[0].GetString());
        Assert.Equal(1.5, row[1].GetDouble());
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(html, "</script>", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Embedded_data_has_the_shape_the_page_script_reads()
    {
        var data = new ReportData
        {
            GeneratedAtUtc = new DateTime(2025, 9, 1, 8, 30, 15, 500, DateTimeKind.Utc),
            Warehouse = "duckdb:test",
            Datasets = new Dictionary<string, ReportDataset>
            {
                ["months"] = new(["month"], [["2025-08-01"]]),
                ["funnel"] = new(["channel", "n", "share", "flag", "spend"], [["Meta", 3L, 0.1, false, 12.5m], ["Total", 7, null, true, 0m]]),
            },
            Unavailable = new Dictionary<string, string> { ["score_run"] = "no scores", ["icp_mix"] = "no scores" },
            Models =
            [
                new ModelSummary("icp", "v0002", "kmeans", new DateTime(2025, 8, 31, 23, 0, 0, DateTimeKind.Utc), null,
                    new Dictionary<string, string> { ["auc"] = "0.81", ["accounts"] = "400" }, new Dictionary<string, string> { ["train"] = "320" }, ["few rows"])
                {
                    Kind = "model", Trust = "good", TrustReason = null, Tiers = ["A: 2x"], CrossValidationAuc = new AucInterval(0.8, 0.75, 0.85),
                },
            ],
            ModelsNote = null,
        };

        var json = ReportHtml.Json(data);

        Assert.Equal(
            "{\"generated_at\":\"2025-09-01T08:30:15Z\",\"scores_available\":false," +
            "\"datasets\":{\"funnel\":{\"columns\":[\"channel\",\"n\",\"share\",\"flag\",\"spend\"],\"rows\":[[\"Meta\",3,0.1,false,12.5],[\"Total\",7,null,true,0]]}," +
            "\"months\":{\"columns\":[\"month\"],\"rows\":[[\"2025-08-01\"]]}}," +
            "\"unavailable\":{\"icp_mix\":\"no scores\",\"score_run\":\"no scores\"}," +
            "\"models\":[{\"model\":\"icp\",\"version\":\"v0002\",\"algorithm\":\"kmeans\",\"created_at\":\"2025-08-31T23:00:00Z\",\"source_build_id\":null," +
            "\"headline\":[[\"auc\",\"0.81\"],[\"accounts\",\"400\"]],\"row_counts\":[[\"train\",\"320\"]],\"kind\":\"model\",\"trust\":\"good\",\"trust_reason\":null," +
            "\"tiers\":[\"A: 2x\"],\"warnings\":[\"few rows\"],\"cv_auc\":{\"mean\":0.8,\"lower\":0.75,\"upper\":0.85}}],\"models_note\":null}",
            json);
    }

    [Fact]
    public void Without_a_published_mart_the_report_fails_with_a_clear_message()
    {
        using var db = new TestWarehouse();

        var error = Assert.Throws<WarehouseException>(() => GtmReport.Write(db.Warehouse, RepoPaths.Sql, null, db.Folder.File("r.html")));

        Assert.Contains("run gtm build first", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(db.Folder.File("r.html")));
    }
}

/// <summary>The report data on the seed mart, before and after score write-back.</summary>
[Collection(SeedReportGroup.Name)]
public sealed class SeedReportDataTests(SeedReportFixture fixture)
{
    [SeedFact]
    public void Before_write_back_the_score_datasets_are_noted_as_unavailable_and_the_rest_is_queried()
    {
        var data = fixture.WithoutScores.Data;

        Assert.False(data.ScoresAvailable);
        Assert.Equal(
            ["feature_drift", "icp_mix", "open_opportunities", "priority_accounts", "score_changes", "score_run"],
            data.Unavailable.Keys.Order(StringComparer.Ordinal));
        Assert.All(data.Unavailable.Values, reason => Assert.Contains("gtm score", reason, StringComparison.Ordinal));

        // Realized accuracy is a built model: there, and empty, before any run was scored.
        Assert.Empty(data.Datasets["model_performance"].Rows);
        Assert.Empty(data.Datasets["score_bands"].Rows);
        Assert.Equal(13, data.Datasets.Count);
        Assert.Equal(["ad_spend", "salesforce_opportunities", "web_analytics"], data.Datasets["freshness"].Rows.Select(r => (string)r[0]!));
        Assert.Contains("Scores are not available yet", File.ReadAllText(fixture.WithoutScores.Path), StringComparison.Ordinal);
    }

    [SeedFact]
    public void The_month_filter_holds_the_data_s_months_and_defaults_to_the_latest_complete_one()
    {
        var months = fixture.WithScores.Data.Datasets["months"];

        Assert.Equal(["2025-07-01", "2025-08-01", "2025-09-01"], Column(months, "month"));
        Assert.Equal([true, true, false], Column(months, "is_complete"));
        Assert.Equal([false, true, false], Column(months, "is_default"));
        Assert.Equal([31L, 31L, 28L], Column(months, "days_in_data").Select(v => Convert.ToInt64(v, CultureInfo.InvariantCulture)));
    }

    [SeedFact]
    public void After_write_back_every_dataset_is_queried_and_the_seed_funnel_is_in_it()
    {
        var data = fixture.WithScores.Data;

        Assert.True(data.ScoresAvailable);

        // Realized accuracy needs a build after the write-back (and score changes a second run): noted, not failed.
        Assert.All(data.Unavailable.Keys, k => Assert.Contains(k, ReportQuery.LifecycleDatasets));
        Assert.Contains("feature_drift", data.Datasets.Keys);
        Assert.Equal(ReportQuery.Datasets.Except(data.Unavailable.Keys).Order(StringComparer.Ordinal), data.Datasets.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["icp", "opportunity-scoring"], data.Models.Select(m => m.Model).Order(StringComparer.Ordinal));
        var funnel = data.Datasets["funnel"];
        var totals = Enumerable.Range(0, funnel.Rows.Count)
            .Where(i => (string)funnel.Value(i, "channel")! == "Total")
            .GroupBy(i => Convert.ToInt32(funnel.Value(i, "step_index"), CultureInfo.InvariantCulture))
            .OrderBy(g => g.Key)
            .Select(g => g.Sum(i => Convert.ToDouble(funnel.Value(i, "step_count"), CultureInfo.InvariantCulture)));
        Assert.Equal([4930.0, 737.0, 350.0, 80.0], totals);
    }

    private static List<object?> Column(ReportDataset set, string column) =>
        Enumerable.Range(0, set.Rows.Count).Select(i => set.Value(i, column)).ToList();
}

/// <summary>
/// The score sections on generated data, where ICP tiers vary: the ICP mix equals an independent count and the
/// priority accounts rank like the gRPC priority-accounts call over the same models and features.
/// </summary>
[Collection(ServingTestGroup.Name)]
public sealed class GeneratedReportDataTests(ServingFixture fixture)
{
    [Fact]
    public void Icp_mix_and_priority_accounts_agree_with_the_score_tables_and_the_served_ranking()
    {
        using var folder = new TempDirectory();
        var db = new DuckDbWarehouse(fixture.CopyWarehouse(folder));
        using var models = ModelSet.LoadActive(fixture.Registry);
        var features = FeatureStore.Load(db);
        new ScoreWriteBack(db).Run(models, features);

        var data = GtmReport.Write(db, RepoPaths.Sql, fixture.Registry, folder.File("report.html")).Data;

        Assert.True(data.ScoresAvailable);
        using var connection = db.Open();
        var icp = data.Datasets["icp_mix"];
        for (var i = 0; i < icp.Rows.Count; i++)
        {
            var expected = connection.Scalar<double?>(
                """
                select avg(case when s.tier in ('A', 'B') then 1.0 else 0.0 end)
                from core.fct_opportunities o left join mart.mrt_account_scores s using (account_id)
                where o.created_month = cast($m as date) and ($c = 'Total' or o.channel = $c)
                """,
                ("m", icp.Value(i, "month")), ("c", icp.Value(i, "channel")));
            Assert.Equal(expected, icp.Value(i, "share_ab") is { } v ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : null);
        }

        Assert.Contains(Enumerable.Range(0, icp.Rows.Count), i => icp.Value(i, "share_ab") is double share && share is > 0 and < 1);

        var months = data.Datasets["months"];
        var lastMonth = (string)months.Value(months.Rows.Count - 1, "month")!;
        var accounts = data.Datasets["priority_accounts"];
        var ranked = Enumerable.Range(0, accounts.Rows.Count)
            .Where(i => (string)accounts.Value(i, "month")! == lastMonth && (string)accounts.Value(i, "filter_channel")! == "Total")
            .OrderBy(i => Convert.ToInt32(accounts.Value(i, "position"), CultureInfo.InvariantCulture))
            .ToList();
        var served = PriorityRanking.Rank(models, features).Accounts;
        Assert.Equal(10, ranked.Count);
        Assert.Equal(served.Take(ranked.Count).Select(a => a.AccountId), ranked.Select(i => (string)accounts.Value(i, "account_id")!));

        // The same priorities bit for bit (one formula), from the written-back scores and the mart's pipeline, and the
        // same number of accounts ranked.
        Assert.Equal(
            served.Take(ranked.Count).Select(a => BitConverter.DoubleToInt64Bits(a.Priority)),
            ranked.Select(i => BitConverter.DoubleToInt64Bits((double)accounts.Value(i, "priority_score")!)));
        Assert.All(ranked, i => Assert.Equal(served.Count, Convert.ToInt32(accounts.Value(i, "accounts_ranked"), CultureInfo.InvariantCulture)));
    }
}
