using GtmMart.Serving;
using GtmMart.Tests.Support;
using GtmMart.Warehouse;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Tables;

namespace GtmMart.Tests.Serving;

/// <summary>
/// The score tables are declared under sql/scores (one portable CREATE TABLE each, data tests in _tables.yml): the
/// write-back creates exactly what is declared, its data tests run before it commits, and an older ledger gets the
/// columns declared since.
/// </summary>
[Collection(ServingTestGroup.Name)]
public sealed class ScoreTableTests(ServingFixture fixture)
{
    [Fact]
    public void The_built_in_declarations_are_the_files_under_sql_scores()
    {
        var folder = Path.Combine(RepoPaths.Sql, "scores");
        var files = Directory.GetFiles(folder, "*.sql").Select(Path.GetFileNameWithoutExtension).Order().ToList();

        Assert.Equal(files, ScoreTables.All.Select(t => t.Name).Order());
        Assert.All(ScoreTables.All, table =>
        {
            var onDisk = DeclaredTable.Parse(File.ReadAllText(Path.Combine(folder, table.Name + ".sql")), table.Source);
            Assert.Equal(onDisk.Columns, table.Columns);
            Assert.Equal(onDisk.QualifiedName, table.QualifiedName);
        });
        Assert.Equal(["opportunity_id", "score", "probability", "top_factors", "model_name", "model_version", "run_id", "scored_at"], ScoreTables.OpportunityColumns);
    }

    [Fact]
    public void Every_score_table_has_a_key_test_and_its_run_id_links_to_the_ledger()
    {
        var tests = ScoreTables.DataTests;

        Assert.All(ScoreTables.All, t => Assert.Contains(tests, d => d.Model == t.QualifiedName && d.Kind == "primary_key"));
        Assert.All(ScoreTables.All.Where(t => t != ScoreTables.RunTable), t => Assert.Contains(tests, d => d.Model == t.QualifiedName && d.Kind == "relationships" && d.Column == "run_id"));
        Assert.Contains(tests, d => d.Model == "mart.mrt_account_scores" && d.Kind == "accepted_values" && d.Column == "tier");
    }

    [Fact]
    public void A_write_back_creates_the_declared_columns_and_types_and_its_tables_pass_their_tests()
    {
        using var folder = new TempDirectory();
        var db = new DuckDbWarehouse(fixture.CopyWarehouse(folder));
        using var models = ModelSet.LoadActive(fixture.Registry);
        new ScoreWriteBack(db).Run(models, FeatureStore.Load(db), "declared");

        using var connection = db.Open();
        foreach (var table in ScoreTables.All)
        {
            var columns = connection.Query(
                "select lower(column_name), lower(data_type), is_nullable from information_schema.columns where table_schema = $s and table_name = $t order by ordinal_position",
                r => (r.GetString(0), r.GetString(1), r.GetString(2) == "NO"),
                ("s", table.Schema), ("t", table.Name));
            Assert.Equal(table.Columns.Select(c => (c.Name, DuckDbType(c.Type), c.NotNull)), columns);
        }

        var results = ScoreTables.Test(connection);
        Assert.Equal(ScoreTables.DataTests.Count, results.Count);
        Assert.All(results, r => Assert.True(r.Passed, $"{r.Test.Name}: {r.FailingRows} failing row(s)"));
        Assert.Equal(ScoreTables.DataTests.Count, ScoreTables.ExistingTests(connection).Count);
    }

    [Fact]
    public void A_write_back_whose_tables_fail_a_data_test_commits_nothing_and_says_which()
    {
        using var folder = new TempDirectory();
        var db = new DuckDbWarehouse(fixture.CopyWarehouse(folder));
        using var models = ModelSet.LoadActive(fixture.Registry);
        var features = FeatureStore.Load(db);
        new ScoreWriteBack(db).Run(models, features, "good");
        using (var connection = db.Open())
        {
            // A history row no write-back would make: an entity type the tests do not accept.
            connection.Execute("insert into mart.mrt_score_history_daily values (date '2020-01-01', 'lead', 'x1', 50, null, 'v', 'good')");
        }

        var before = Snapshot(db);

        var error = Assert.Throws<ServingException>(() => new ScoreWriteBack(db).Run(models, features, "bad"));

        Assert.Contains("write-back run bad was not committed", error.Message, StringComparison.Ordinal);
        Assert.Contains("accepted_values", error.Message, StringComparison.Ordinal);
        Assert.Contains("entity_type", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(db));
        Assert.Equal(("failed", 0L), Ledger(db, "bad"));
    }

    [Fact]
    public void A_ledger_from_an_older_release_gets_the_columns_declared_since()
    {
        using var folder = new TempDirectory();
        var db = new DuckDbWarehouse(folder.File("old.duckdb"));
        using var connection = db.Open();
        connection.Execute("create schema gtm_meta");
        connection.Execute("create table gtm_meta.score_runs (run_id varchar not null, status varchar not null, started_at timestamp not null)");
        connection.Execute("insert into gtm_meta.score_runs values ('old', 'succeeded', timestamp '2025-01-01 00:00:00')");

        ScoreTables.Ensure(connection);

        var columns = connection.Query(
            "select column_name from information_schema.columns where table_schema = 'gtm_meta' and table_name = 'score_runs' order by ordinal_position",
            r => r.GetString(0));
        Assert.Equal(ScoreTables.RunTable.ColumnNames, columns);
        Assert.Equal(1L, connection.Scalar<long>("select count(*) from gtm_meta.score_runs where opportunity_trust is null"));
    }

    [Fact]
    public void A_declaration_that_is_not_portable_ddl_is_refused_naming_its_file_and_column()
    {
        var error = Assert.Throws<WarehouseException>(() => DeclaredTable.Parse("create table if not exists mart.t (\n  id varchar not null,\n  n hugeint\n)", "sql/scores/t.sql"));
        Assert.Equal("sql/scores/t.sql: cannot read the column 'n hugeint' (one a line: name, one of varchar, integer, bigint, double, boolean, date, timestamp or decimal(p, s), optionally 'not null').", error.Message);
        Assert.Throws<WarehouseException>(() => DeclaredTable.Parse("create table mart.t (id varchar)", "sql/scores/t.sql"));
    }

    private static string DuckDbType(string type) => type switch
    {
        "varchar" => "varchar",
        "integer" => "integer",
        "bigint" => "bigint",
        "double" => "double",
        "boolean" => "boolean",
        "date" => "date",
        _ => "timestamp",
    };

    private static List<object?[]> Snapshot(DuckDbWarehouse db)
    {
        using var connection = db.Open();
        return connection.Query(
            """
            select 'o', opportunity_id, cast(score as double), run_id from mart.mrt_opportunity_scores
            union all select 'a', account_id, fit_score, run_id from mart.mrt_account_scores
            union all select entity_type, entity_id, score, run_id from mart.mrt_score_history_daily
            order by all
            """,
            TestWarehouse.ReadRow);
    }

    private static (string, long) Ledger(DuckDbWarehouse db, string run)
    {
        using var connection = db.Open();
        return connection.Query(
            "select status, (select count(*) from mart.mrt_opportunity_scores where run_id = $run) from gtm_meta.score_runs where run_id = $run",
            r => (r.GetString(0), r.GetInt64(1)),
            ("run", run)).Single();
    }
}
