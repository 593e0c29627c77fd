using GtmMart.Tests.Support;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Models;
using GtmMart.Warehouse.Testing;

namespace GtmMart.Tests.Building;

/// <summary>Each kind of declared test finds exactly the rows that break it.</summary>
public sealed class DataTestTests : IDisposable
{
    private readonly TestWarehouse db = new();

    public void Dispose() => db.Dispose();

    [Fact]
    public void Each_test_kind_reports_its_failing_rows()
    {
        var sql = ColorsAndThings("[color]",
            """
            models:
              - name: mrt_things
                primary_key: [id]
                columns:
                  - name: color
                    tests:
                      - not_null
                      - accepted_values: { values: ['red', 'blue'] }
                      - relationships: { to: core.dim_colors, field: color }
                  - name: code
                    tests: [unique, not_null]
                tests:
                  - expression: "clicks <= impressions"
                  - expression: "impressions >= 1"
            """);
        var results = RunAll(sql,
            "select * from (values ('red'), ('blue'), ('blue')) as t(color)",
            "select * from (values (1, 'red', 'a', 1, 5), (1, 'green', 'a', 9, 5), (2, null, 'b', 1, 1)) as t(id, color, code, clicks, impressions)").ToDictionary(r => r.Key, r => r.Value.FailingRows);

        Assert.Equal(1, results["primary_key(core.dim_colors: color)"]);
        Assert.Equal(0, results["not_null(core.dim_colors.color)"]);
        Assert.Equal(1, results["primary_key(mart.mrt_things: id)"]);
        Assert.Equal(1, results["not_null(mart.mrt_things.color)"]);
        Assert.Equal(1, results["accepted_values(mart.mrt_things.color)"]);
        Assert.Equal(1, results["relationships(mart.mrt_things.color -> core.dim_colors.color)"]);
        Assert.Equal(1, results["unique(mart.mrt_things.code)"]);
        Assert.Equal(1, results["expression(mart.mrt_things: clicks <= impressions)"]);

        // Row-level tests that pass next to failing ones on the same model (screened together in one scan).
        Assert.Equal(0, results["not_null(mart.mrt_things.code)"]);
        Assert.Equal(0, results["expression(mart.mrt_things: impressions >= 1)"]);
    }

    [Fact]
    public void Group_and_relationships_tests_screened_together_each_report_their_own_failures()
    {
        // One aggregation screens the key and the group expressions over [id]; one scan joined to both parents screens
        // the two relationships tests. The failing ones still report their own counts and rows, the others pass.
        var sql = ColorsAndThings("[color, shade]",
            """
            models:
              - name: mrt_things
                primary_key: [id, part]
                columns:
                  - name: color
                    tests:
                      - relationships: { to: core.dim_colors, field: color }
                  - name: shade
                    tests:
                      - relationships: { to: core.dim_colors, field: shade }
                tests:
                  - expression: "sum(share) = 1"
                    group_by: [id, part]
                  - expression: "count(*) = 1"
                    group_by: [id, part]
                  - expression: "sum(share) = 1"
                    group_by: [id]
                  - expression: "count(*) <= 2"
                    group_by: [id]
            """);
        var results = RunAll(sql,
            "select * from (values ('red', 'dark'), ('red', 'light'), ('blue', 'dark')) as t(color, shade)",
            "select * from (values (1, 1, 'red', 'dark', 0.5), (1, 2, 'red', 'light', 0.5), (2, 1, 'green', 'dark', 0.5), (2, 1, 'blue', 'dark', 0.5), (3, 1, 'blue', 'dark', 1.0)) as t(id, part, color, shade, share)");

        Assert.Equal(1, results["primary_key(mart.mrt_things: id, part)"].FailingRows);
        Assert.Equal(["id", "part", "occurrences"], results["primary_key(mart.mrt_things: id, part)"].ColumnNames);
        Assert.Equal(["2", "1", "2"], results["primary_key(mart.mrt_things: id, part)"].Sample.Single());
        Assert.Equal(2, results["expression(mart.mrt_things per id, part: sum(share) = 1)"].FailingRows);
        Assert.Equal(1, results["expression(mart.mrt_things per id, part: count(*) = 1)"].FailingRows);
        Assert.Equal(0, results["expression(mart.mrt_things per id: sum(share) = 1)"].FailingRows);
        Assert.Equal(0, results["expression(mart.mrt_things per id: count(*) <= 2)"].FailingRows);
        Assert.Equal(1, results["relationships(mart.mrt_things.color -> core.dim_colors.color)"].FailingRows);
        Assert.Equal(["green", "1"], results["relationships(mart.mrt_things.color -> core.dim_colors.color)"].Sample.Single());
        Assert.Equal(0, results["relationships(mart.mrt_things.shade -> core.dim_colors.shade)"].FailingRows);
        Assert.Equal(0, results["primary_key(core.dim_colors: color, shade)"].FailingRows);
    }

    [Fact]
    public void A_relationships_test_reads_each_child_row_once_when_the_parent_field_repeats()
    {
        // history.score_factors.run_id -> history.scores.run_id: one run's factor rows point at one run id that a
        // million score rows share. Joined row to row that is factor rows x score rows (here 200,000 x 200,000); the
        // test must compare each child value with the parent's distinct values, and still find the orphans.
        var sql = db.Folder.Sub("sql");
        File.WriteAllText(Path.Combine(db.Folder.Sub("sql/core"), "scores.sql"), "select * from raw.scores");
        File.WriteAllText(Path.Combine(db.Folder.Sub("sql/mart"), "factors.sql"), "select * from raw.factors");
        File.WriteAllText(Path.Combine(sql, "core", "_models.yml"),
            """
            models:
              - name: scores
                primary_key: [entity]
            """);
        File.WriteAllText(Path.Combine(sql, "mart", "_models.yml"),
            """
            models:
              - name: factors
                primary_key: [entity]
                columns:
                  - name: run_id
                    tests:
                      - relationships: { to: core.scores, field: run_id }
            """);
        using (var connection = db.Warehouse.Open())
        {
            connection.Execute("create schema raw; create schema core; create schema mart");
            connection.Execute("create table raw.scores as select 'r1' as run_id, i as entity from range(200000) as t(i)");
            connection.Execute("create table raw.factors as select case when i < 3 then 'r0' else 'r1' end as run_id, i as entity from range(200000) as t(i)");
            connection.Execute("create table core.scores as select * from raw.scores");
            connection.Execute("create table mart.factors as select * from raw.factors");
        }

        var catalog = ModelCatalog.Load(sql);
        using var open = db.Warehouse.Open();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = Assert.Single(DataTestRunner.Run(open, catalog.Tests, SqlRewriter.Published(catalog.Models)), r => r.Test.Kind == "relationships");
        watch.Stop();

        Assert.Equal(1, result.FailingRows);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"the relationships test took {watch.Elapsed}: it read the child rows once per parent row");
    }

    [Fact]
    public void A_row_level_test_that_cannot_run_fails_under_its_own_name()
    {
        var sql = db.Folder.Sub("sql");
        File.WriteAllText(Path.Combine(db.Folder.Sub("sql/mart"), "mrt_things.sql"), "select * from raw.things");
        File.WriteAllText(Path.Combine(sql, "mart", "_models.yml"),
            """
            models:
              - name: mrt_things
                primary_key: [id]
                columns:
                  - name: id
                    tests: [not_null]
                  - name: colour
                    tests: [not_null]
            """);
        using (var connection = db.Warehouse.Open())
        {
            connection.Execute("create schema raw; create schema mart");
            connection.Execute("create table raw.things as select * from (values (1, 'red')) as t(id, color)");
            connection.Execute("create table mart.mrt_things as select * from raw.things");
        }

        var catalog = ModelCatalog.Load(sql);
        using var open = db.Warehouse.Open();
        var error = Assert.Throws<WarehouseException>(() => DataTestRunner.Run(open, catalog.Tests, SqlRewriter.Published(catalog.Models)));

        Assert.StartsWith("Data test not_null(mart.mrt_things.colour) (", error.Message, StringComparison.Ordinal);
        Assert.Contains("could not run", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_test_on_an_unknown_model_is_an_error()
    {
        var sql = db.Folder.Sub("sql");
        db.Folder.Sub("sql/core");
        File.WriteAllText(Path.Combine(sql, "core", "_models.yml"), "models:\n  - name: dim_nope\n    primary_key: [id]\n");

        var error = Assert.Throws<WarehouseException>(() => ModelCatalog.Load(sql));

        Assert.Contains("dim_nope", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Declares core.dim_colors (over raw.colors, keyed by <paramref name="colorKey"/>) and mart.mrt_things (over raw.things, <paramref name="thingsYml"/>).</summary>
    private string ColorsAndThings(string colorKey, string thingsYml)
    {
        var sql = db.Folder.Sub("sql");
        File.WriteAllText(Path.Combine(db.Folder.Sub("sql/core"), "dim_colors.sql"), "select * from raw.colors");
        File.WriteAllText(Path.Combine(db.Folder.Sub("sql/mart"), "mrt_things.sql"), "select * from raw.things");
        File.WriteAllText(Path.Combine(sql, "core", "_models.yml"), $"models:\n  - name: dim_colors\n    primary_key: {colorKey}\n");
        File.WriteAllText(Path.Combine(sql, "mart", "_models.yml"), thingsYml);
        return sql;
    }

    /// <summary>Creates raw.colors and raw.things from the given queries, the models over them, and runs every declared test.</summary>
    private Dictionary<string, DataTestResult> RunAll(string sql, string colors, string things)
    {
        using (var connection = db.Warehouse.Open())
        {
            connection.Execute("create schema raw; create schema core; create schema mart");
            connection.Execute($"create table raw.colors as {colors}");
            connection.Execute($"create table raw.things as {things}");
            connection.Execute("create table core.dim_colors as select * from raw.colors");
            connection.Execute("create table mart.mrt_things as select * from raw.things");
        }

        var catalog = ModelCatalog.Load(sql);
        using var open = db.Warehouse.Open();
        return DataTestRunner.Run(open, catalog.Tests, SqlRewriter.Published(catalog.Models)).ToDictionary(r => r.Test.Name);
    }
}
