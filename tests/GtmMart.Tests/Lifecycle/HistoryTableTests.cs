using GtmMart.DemoData;
using GtmMart.Serving;
using GtmMart.Tests.Serving;
using GtmMart.Tests.Support;
using GtmMart.Warehouse;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.History;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Tables;

namespace GtmMart.Tests.Lifecycle;

/// <summary>
/// The history tables are declared under sql/history like the score tables under sql/scores (one portable CREATE
/// TABLE each, data tests in _tables.yml): what loads and write-backs create is what is declared, every table has its
/// key tested, and a load or write-back whose history rows fail a data test commits nothing.
/// </summary>
[Collection(ServingTestGroup.Name)]
public sealed class HistoryTableTests(ServingFixture fixture)
{
    [Fact]
    public void The_built_in_declarations_are_the_files_under_sql_history_and_each_has_its_key_tested()
    {
        var folder = Path.Combine(RepoPaths.Sql, "history");
        var files = Directory.GetFiles(folder, "*.sql").Select(Path.GetFileNameWithoutExtension).Order().ToList();

        Assert.Equal(files, HistoryTables.Set.All.Select(t => t.Name).Order());
        Assert.All(HistoryTables.Set.All, table =>
        {
            var onDisk = DeclaredTable.Parse(File.ReadAllText(Path.Combine(folder, table.Name + ".sql")), table.Source);
            Assert.Equal(onDisk.Columns, table.Columns);
            Assert.Contains(HistoryTables.Set.DataTests, d => d.Model == table.QualifiedName && d.Kind == "primary_key");
        });
        Assert.Equal("decimal(18, 2)", HistoryTables.Snapshots.Columns.Single(c => c.Name == "amount_usd").Type);
        Assert.Equal(["run_id", "entity_type", "entity_id", "family", "contribution"], ScoreHistory.FactorColumns);
        Assert.Equal(HistoryTables.Set.DataTests.Count - HistoryTables.Set.TestsOf(HistoryTables.Snapshots).Count, ScoreHistory.DataTests.Count);
    }

    [Fact]
    public void A_write_back_fills_the_declared_tables_they_pass_their_tests_and_a_failing_history_row_commits_nothing()
    {
        using var folder = new TempDirectory();
        var db = new DuckDbWarehouse(fixture.CopyWarehouse(folder));
        using var models = ModelSet.LoadActive(fixture.Registry);
        var features = FeatureStore.Load(db);
        new ScoreWriteBack(db).Run(models, features, "h1");
        new ScoreWriteBack(db).Run(models, features, "h2");

        using (var connection = db.Open())
        {
            var results = HistoryTables.Set.Test(connection, HistoryTables.Set.ExistingTests(connection));
            Assert.Equal(HistoryTables.Set.DataTests.Count, results.Count);
            Assert.All(results, r => Assert.True(r.Passed, $"{r.Test.Name}: {r.FailingRows} failing row(s)"));
            Assert.True(connection.Scalar<long>("select count(*) from history.score_factors where run_id = 'h2'") > 0);
            Assert.True(connection.Scalar<long>("select count(*) from mart.mrt_score_changes where run_id = 'h2'") > 0);

            // A kept score no write-back would make: an opportunity without a probability.
            connection.Execute("update history.scores set probability = null where run_id = 'h1' and entity_id = (select min(entity_id) from history.scores where run_id = 'h1' and entity_type = 'opportunity')");
        }

        var error = Assert.Throws<ServingException>(() => new ScoreWriteBack(db).Run(models, features, "h3"));

        Assert.Contains("write-back run h3 was not committed", error.Message, StringComparison.Ordinal);
        Assert.Contains("history.scores", error.Message, StringComparison.Ordinal);
        using var after = db.Open();
        Assert.Equal(0L, after.Scalar<long>("select count(*) from history.scores where run_id = 'h3'"));
        Assert.Equal(0L, after.Scalar<long>("select count(*) from mart.mrt_score_changes where run_id = 'h3'"));
        Assert.Equal("h2", after.Scalar<string>("select max(run_id) from mart.mrt_opportunity_scores"));
    }

    [Fact]
    public void A_load_whose_stage_history_fails_a_data_test_commits_nothing()
    {
        using var db = new TestWarehouse();
        var raw = db.Folder.Sub("raw");
        DemoDataGenerator.Generate(new GeneratorOptions { OutputDirectory = raw, Accounts = 40, Seed = 5, Days = 90 });
        new RawLoader(db.Warehouse).Load(raw);
        var loads = db.Scalar<long>("select count(distinct load_id) from raw.load_log");
        var rows = db.Scalar<long>("select count(*) from history.opportunity_snapshots");

        // A second current row for one opportunity (same state, so the next load keeps it current): the key and the
        // one-current-row test fail.
        using (var connection = db.Warehouse.Open())
        {
            connection.Execute(
                """
                insert into history.opportunity_snapshots
                select opportunity_id, account_id, stage_name, amount_usd, close_date, owner_id, owner_region, valid_from + interval 1 second, valid_to, load_id
                from history.opportunity_snapshots where opportunity_id = (select min(opportunity_id) from history.opportunity_snapshots)
                """);
        }

        var error = Assert.Throws<WarehouseException>(() => new RawLoader(db.Warehouse).Load(raw));

        Assert.Contains("was not committed", error.Message, StringComparison.Ordinal);
        Assert.Contains("history.opportunity_snapshots", error.Message, StringComparison.Ordinal);
        Assert.Equal(loads, db.Scalar<long>("select count(distinct load_id) from raw.load_log where status = 'loaded'"));
        Assert.Equal(rows + 1, db.Scalar<long>("select count(*) from history.opportunity_snapshots"));
    }
}
