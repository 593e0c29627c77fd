using System.Diagnostics;
using System.Text.Json;
using GtmMart.Scoring.Features;
using GtmMart.Scoring.Opportunity;
using GtmMart.Serving;
using GtmMart.Tests.Support;
using GtmMart.Warehouse.Connection;
using Xunit.Abstractions;

namespace GtmMart.Tests.Serving;

[Collection(ServingTestGroup.Name)]
public sealed class ScoreWriteBackTests(ServingFixture fixture, ITestOutputHelper output)
{
    private const string LatestTables =
        """
        select 'o' as t, opportunity_id as id, cast(score as double) as s, probability as p, top_factors, model_version, run_id, scored_at from mart.mrt_opportunity_scores
        union all
        select 'a', account_id, fit_score, behaviour_score, top_factors || tier || segment, model_version, run_id, scored_at from mart.mrt_account_scores
        order by t, id
        """;

    private static readonly string[] Directions = ["+", "-"];
    private static readonly string[] Tiers = ["A", "B", "C", "D"];

    private const string HistoryTable =
        "select score_date, entity_type, entity_id, score, tier, model_version, run_id from mart.mrt_score_history_daily order by all";

    [Fact]
    public void Factor_json_is_what_the_json_serializer_writes_for_any_text()
    {
        (string Direction, string Text)[] factors =
        [
            ("+", "3 demo-page visits in the last 30 days"),
            ("-", "Account region: \"São Paulo\" <LATAM> & more\\ \u2013 \n tab\t"),
            ("+", ""),
        ];

        using var json = new FactorJsonWriter();
        var written = json.Array(factors.Select(f => JsonFactor.Reason(f.Direction, f.Text)));

        Assert.Equal(JsonSerializer.Serialize(factors.Select(f => new { direction = f.Direction, text = f.Text })), written);
        Assert.Equal(factors.Select(f => f.Text), JsonDocument.Parse(written).RootElement.EnumerateArray().Select(e => e.GetProperty("text").GetString()));
        Assert.Equal("[]", json.Array([]));

        // One writer serves a chunk of rows: a row after a longer one carries nothing of it.
        using var reused = new FactorJsonWriter();
        Assert.Equal(written, reused.Array(factors.Select(f => JsonFactor.Reason(f.Direction, f.Text))));
        Assert.Equal("[]", reused.Array([]));
        Assert.Equal(written, reused.Array(factors.Select(f => JsonFactor.Reason(f.Direction, f.Text))));

        // An opportunity's reasons carry their family and contribution; an unknown value its family and a null contribution.
        var opportunity = json.Array(
        [
            JsonFactor.Of(new OpportunityFactor("web_engagement", "sessions_30d", "12 web sessions \"now\"", 0.41234567)),
            JsonFactor.Of(new UnknownValue("channel", "channel", "Paid Search", "Unknown channel 'Paid Search'")),
        ]);
        Assert.Equal(
            JsonSerializer.Serialize(new object[]
            {
                new { family = "web_engagement", direction = "+", text = "12 web sessions \"now\"", contribution = (double?)0.4123 },
                new { family = "channel", direction = "unknown", text = "Unknown channel 'Paid Search'", contribution = (double?)null },
            }),
            opportunity);
    }

    [Fact]
    public void Writes_one_row_per_open_opportunity_and_per_account_with_model_and_run()
    {
        using var folder = new TempDirectory();
        var db = new DuckDbWarehouse(fixture.CopyWarehouse(folder));
        using var models = ModelSet.LoadActive(fixture.Registry);
        var features = FeatureStore.Load(db);
        var messages = new List<string>();

        var result = new ScoreWriteBack(db).Run(models, features, progress: new Collect(messages));

        Assert.False(result.AlreadyWritten);
        Assert.Matches("^run-[0-9]{14}-[0-9a-f]{6}$", result.RunId);
        Assert.Equal(features.OpenOpportunities.Count, result.Opportunities);
        Assert.Equal(ServingFixture.Accounts, result.Accounts);
        Assert.Equal((models.OpportunityVersion, models.IcpVersion), (result.OpportunityModelVersion, result.IcpModelVersion));
        Assert.Equal(DateTimeKind.Utc, result.ScoredAtUtc.Kind);
        output.WriteLine(string.Join('\n', messages));

        using var connection = db.Open();
        var opportunities = connection.Query(
            "select opportunity_id, score, probability, top_factors, model_name, model_version, run_id, scored_at from mart.mrt_opportunity_scores",
            r => (Id: r.GetString(0), Score: r.GetInt32(1), Probability: r.GetDouble(2), Factors: r.GetString(3), Model: r.GetString(4),
                Version: r.GetString(5), Run: r.GetString(6), At: r.GetDateTime(7)));
        Assert.Equal(features.OpenOpportunities.Select(o => o.OpportunityId).Order(StringComparer.Ordinal), opportunities.Select(o => o.Id).Order(StringComparer.Ordinal));
        Assert.All(opportunities, o =>
        {
            Assert.InRange(o.Score, 1, 99);
            Assert.InRange(o.Probability, 0, 1);
            Assert.Equal(("opportunity-scoring", models.OpportunityVersion, result.RunId, result.ScoredAtUtc), (o.Model, o.Version, o.Run, o.At));
            var factors = JsonDocument.Parse(o.Factors).RootElement;
            Assert.Equal(JsonValueKind.Array, factors.ValueKind);
            Assert.All(factors.EnumerateArray(), f =>
            {
                Assert.Contains(f.GetProperty("direction").GetString(), (string[])[.. Directions, "unknown"]);
                Assert.False(string.IsNullOrWhiteSpace(f.GetProperty("text").GetString()));
                Assert.Contains(OpportunityFeatureCatalog.Default.Families, x => x.Id == f.GetProperty("family").GetString());
                var contribution = f.GetProperty("contribution");
                Assert.Equal(f.GetProperty("direction").GetString() switch
                {
                    "+" => JsonValueKind.Number,
                    "-" => JsonValueKind.Number,
                    _ => JsonValueKind.Null,
                }, contribution.ValueKind);
                Assert.True(contribution.ValueKind == JsonValueKind.Null || Math.Sign(contribution.GetDouble()) == (f.GetProperty("direction").GetString() == "+" ? 1 : -1));
            });
        });
        Assert.Contains(opportunities, o => JsonDocument.Parse(o.Factors).RootElement.GetArrayLength() > 0);

        // The stored scores are the scorer's own.
        var sample = features.OpenOpportunities[0];
        Assert.Equal(models.Opportunity.Score(sample).Score, opportunities.Single(o => o.Id == sample.OpportunityId).Score);

        var accounts = connection.Query(
            "select account_id, fit_score, tier, segment, behaviour_score, top_factors, model_name, model_version, run_id from mart.mrt_account_scores",
            r => (Id: r.GetString(0), Fit: r.GetDouble(1), Tier: r.GetString(2), Segment: r.GetString(3), Behaviour: r.GetDouble(4),
                Factors: r.GetString(5), Model: r.GetString(6), Version: r.GetString(7), Run: r.GetString(8)));
        Assert.Equal(features.Accounts.Select(a => a.AccountId).Order(StringComparer.Ordinal), accounts.Select(a => a.Id).Order(StringComparer.Ordinal));
        Assert.All(accounts, a =>
        {
            Assert.InRange(a.Fit, 0, 100);
            Assert.InRange(a.Behaviour, 0, 100);
            Assert.Contains(a.Tier, Tiers);
            Assert.False(string.IsNullOrWhiteSpace(a.Segment));
            Assert.Equal(("icp", models.IcpVersion, result.RunId), (a.Model, a.Version, a.Run));
            Assert.All(JsonDocument.Parse(a.Factors).RootElement.EnumerateArray(), f => Assert.Contains(f.GetProperty("direction").GetString(), Directions));
        });

        Assert.Equal(result.Opportunities + result.Accounts, connection.Scalar<long>("select count(*) from mart.mrt_score_history_daily where run_id = $r", ("r", result.RunId)));
        Assert.Equal(0, connection.Scalar<long>("select count(*) from mart.mrt_score_history_daily where entity_type = 'opportunity' and tier is not null"));
        var run = connection.Query(
            "select status, opportunities, accounts, opportunity_model_version, icp_model_version, feature_build_id, scored_at from gtm_meta.score_runs where run_id = $r",
            TestWarehouse.ReadRow, ("r", result.RunId)).Single();
        Assert.Equal(new object?[] { "succeeded", result.Opportunities, result.Accounts, models.OpportunityVersion, models.IcpVersion, fixture.BuildId, result.ScoredAtUtc },
            run.Select(v => v is DateTime t ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : v).ToArray());

        // The score tables (latest, daily history, changes since the previous run) are tables beside the mart's views, and a new build keeps them.
        Assert.Equal(
            ["mrt_account_scores", "mrt_opportunity_scores", "mrt_score_changes", "mrt_score_history_daily"],
            connection.Query("select table_name from duckdb_tables() where schema_name = 'mart' and table_name like 'mrt_%score%' order by table_name", r => r.GetString(0)));
    }

    [Fact]
    public void Factor_rows_sum_each_opportunitys_reasons_per_family_and_the_write_puts_the_engine_settings_back()
    {
        using var folder = new TempDirectory();
        var db = new DuckDbWarehouse(fixture.CopyWarehouse(folder));
        using var models = ModelSet.LoadActive(fixture.Registry);
        var features = FeatureStore.Load(db);

        // A connection held open across the run shares DuckDB's database instance, whose thread count the write changes.
        using var held = db.Open();
        var threads = held.Scalar<long>("select cast(current_setting('threads') as bigint)");
        var result = new ScoreWriteBack(db).Run(models, features, "factors");
        Assert.Equal(threads, held.Scalar<long>("select cast(current_setting('threads') as bigint)"));
        Assert.Equal(
            ["open and stage", "latest opportunity scores", "daily opportunity history", "accounts", "per-run scores",
             "drift", "factor rows", "changes", "retention", "ledger", "data tests", "commit"],
            result.Steps.Select(s => s.Name));
        Assert.All(result.Steps, s => Assert.True(s.Seconds >= 0 && s.CpuSeconds >= 0));

        // Each opportunity's families among its reasons (positive, then negative), contributions summed in that order.
        var expected = features.OpenOpportunities.Select(models.Opportunity.Score)
            .SelectMany(s => s.TopPositive.Concat(s.TopNegative).GroupBy(f => f.Family, StringComparer.Ordinal)
                .Select(g => (Id: s.OpportunityId, Family: g.Key, Contribution: g.Sum(f => f.Contribution))))
            .OrderBy(f => f.Id, StringComparer.Ordinal).ThenBy(f => f.Family, StringComparer.Ordinal)
            .ToList();
        var stored = held.Query(
            "select entity_id, family, contribution from history.score_factors where run_id = 'factors' and entity_type = 'opportunity' order by entity_id, family",
            r => (Id: r.GetString(0), Family: r.GetString(1), Contribution: r.GetDouble(2)));
        Assert.NotEmpty(expected);
        Assert.Equal(expected, stored);
    }

    [Fact]
    public void Rerunning_a_run_id_changes_nothing_and_a_new_run_replaces_the_latest_scores_and_adds_history()
    {
        using var folder = new TempDirectory();
        var db = new DuckDbWarehouse(fixture.CopyWarehouse(folder));
        using var models = ModelSet.LoadActive(fixture.Registry);
        var features = FeatureStore.Load(db);
        var clock = new Clock(new DateTime(2025, 10, 1, 8, 0, 0, DateTimeKind.Utc));
        var writeBack = new ScoreWriteBack(db, clock);

        var first = writeBack.Run(models, features, "day-1");
        var latest = Rows(db, LatestTables);
        var history = Rows(db, HistoryTable);
        var runs = Rows(db, "select * from gtm_meta.score_runs order by run_id");

        clock.Now = clock.Now.AddHours(1);
        var again = writeBack.Run(models, features, "day-1");
        Assert.True(again.AlreadyWritten);
        Assert.Equal(first with { AlreadyWritten = true }, again);
        Assert.Equal(latest, Rows(db, LatestTables));
        Assert.Equal(history, Rows(db, HistoryTable));
        Assert.Equal(runs, Rows(db, "select * from gtm_meta.score_runs order by run_id"));

        // Same day, new run: latest and that day's history rows are replaced, one per entity.
        var sameDay = writeBack.Run(models, features, "day-1-later");
        Assert.False(sameDay.AlreadyWritten);
        var entities = first.Opportunities + first.Accounts;
        Assert.Equal(entities, Rows(db, LatestTables).Count);
        Assert.Equal(entities, db.Scalar("select count(*) from mart.mrt_score_history_daily"));
        Assert.Equal(entities, db.Scalar("select count(*) from mart.mrt_score_history_daily where run_id = 'day-1-later'"));
        Assert.Equal(0, db.Scalar("select count(*) from (select run_id from mart.mrt_opportunity_scores union all select run_id from mart.mrt_account_scores) where run_id <> 'day-1-later'"));

        // Next day: the latest tables hold the new run only, the history gains a day.
        clock.Now = clock.Now.AddDays(1);
        var nextDay = writeBack.Run(models, features, "day-2");
        Assert.Equal(entities, Rows(db, LatestTables).Count);
        Assert.Equal(0, db.Scalar("select count(*) from (select run_id from mart.mrt_opportunity_scores union all select run_id from mart.mrt_account_scores) where run_id <> 'day-2'"));
        Assert.Equal(2 * entities, db.Scalar("select count(*) from mart.mrt_score_history_daily"));
        Assert.Equal(2, db.Scalar("select count(distinct score_date) from mart.mrt_score_history_daily"));
        Assert.Equal(0, db.Scalar("select count(*) from (select score_date, entity_type, entity_id from mart.mrt_score_history_daily group by all having count(*) > 1)"));
        Assert.Equal(new DateTime(2025, 10, 2, 9, 0, 0, DateTimeKind.Utc), nextDay.ScoredAtUtc);
        Assert.Equal(3, db.Scalar("select count(*) from gtm_meta.score_runs where status = 'succeeded'"));

        // A rebuild of the mart keeps the written-back tables (publish swaps views only).
        var build = new GtmMart.Warehouse.Building.MartBuilder(db, GtmMart.Warehouse.Models.ModelCatalog.Load(RepoPaths.Sql)).Build();
        Assert.True(build.Published);
        Assert.Equal(entities, Rows(db, LatestTables).Count);
    }

    [Fact]
    public void Write_back_throughput()
    {
        // Many rows (copies of the real ones with new ids) to measure the write, apart from scoring.
        const int copies = 40;
        using var folder = new TempDirectory();
        var db = new DuckDbWarehouse(fixture.CopyWarehouse(folder));
        using var models = ModelSet.LoadActive(fixture.Registry);
        var real = FeatureStore.Load(db);
        var opportunities = Enumerable.Range(0, copies).SelectMany(c => real.OpenOpportunities.Select(o => Copy(o, c))).ToList();
        var accounts = Enumerable.Range(0, copies).SelectMany(c => real.Accounts.Select(a => Copy(a, c))).ToList();
        var features = FeatureStore.Create(real.BuildId, opportunities, accounts);
        var messages = new List<string>();

        var watch = Stopwatch.StartNew();
        var result = new ScoreWriteBack(db).Run(models, features, progress: new Collect(messages));
        var total = watch.Elapsed;

        Assert.Equal(opportunities.Count, result.Opportunities);
        Assert.Equal(accounts.Count, result.Accounts);
        Assert.Equal(result.Opportunities + result.Accounts, db.Scalar("select count(*) from mart.mrt_score_history_daily"));
        output.WriteLine(string.Join('\n', messages));
        output.WriteLine($"{result.Opportunities + result.Accounts:N0} rows scored and written in {total.TotalSeconds:0.00}s end to end");
    }

    private static List<object?[]> Rows(DuckDbWarehouse db, string sql)
    {
        using var connection = db.Open();
        return connection.Query(sql, TestWarehouse.ReadRow);
    }

    private static OpportunityFeatureRow Copy(OpportunityFeatureRow row, int copy)
    {
        var clone = row.Copy();
        clone.OpportunityId = $"{row.OpportunityId}-c{copy}";
        return clone;
    }

    private static AccountFeatureRow Copy(AccountFeatureRow row, int copy)
    {
        var clone = JsonSerializer.Deserialize<AccountFeatureRow>(
            JsonSerializer.Serialize(row, Named), Named)!;
        clone.AccountId = $"{row.AccountId}-c{copy}";
        return clone;
    }

    private static readonly JsonSerializerOptions Named = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private sealed class Collect(List<string> messages) : IProgress<string>
    {
        public void Report(string value) => messages.Add(value);
    }

    private sealed class Clock(DateTime start) : TimeProvider
    {
        public DateTime Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => new(Now);
    }
}

internal static class TestWarehouseExtensions
{
    public static long Scalar(this DuckDbWarehouse db, string sql)
    {
        using var connection = db.Open();
        return connection.Scalar<long>(sql);
    }
}
