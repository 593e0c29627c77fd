using GtmMart.DemoData;
using GtmMart.Tests.Support;
using GtmMart.Warehouse;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;

namespace GtmMart.Tests.Building;

/// <summary>
/// A full refresh of a model declared with <c>incremental.batch</c> is written one range of its key at a time; the
/// table must be the one a single statement writes, row for row, however the ranges fall.
/// </summary>
public sealed class BatchedRefreshTests : IDisposable
{
    private const string TouchesBatch = "      batch: month\n      inputs: { core.fct_web_sessions: date_day }";

    private readonly TestWarehouse db = new();

    public void Dispose() => db.Dispose();

    [Fact]
    public void Batched_models_come_out_as_one_statement_writes_them_by_month_and_by_week()
    {
        var (repository, batched) = Loaded(seed: 11, days: 100);

        // A budget of one row: every month a batch of its own.
        var byMonth = Build(repository, batchRows: 1);
        Assert.All(batched, model => Assert.True(byMonth.Models.Single(r => r.Model == model).Batches >= 4, $"{model} was not written by month"));
        Keep(batched);

        // The same models as one statement each.
        var whole = Build(Catalog("whole", yml => yml.Replace("      batch: month\n", "", StringComparison.Ordinal)));
        Assert.All(batched, model => Assert.Equal(0, whole.Models.Single(r => r.Model == model).Batches));
        AssertSameAsKept(batched);

        // The touches by week: batches that cut months (and the lookback) elsewhere.
        var byWeek = Build(Catalog("week", yml => yml.Replace(TouchesBatch, TouchesBatch.Replace("month", "week", StringComparison.Ordinal), StringComparison.Ordinal)), batchRows: 1);
        Assert.True(byWeek.Models.Single(r => r.Model == "mart.mrt_opportunity_touches").Batches >= 14);
        AssertSameAsKept(batched);
    }

    [Fact]
    public void The_row_budget_merges_consecutive_months_into_one_batch_and_the_tables_stay_the_same()
    {
        var (repository, batched) = Loaded(seed: 12, days: 150);
        const string touches = "mart.mrt_opportunity_touches";

        var byMonth = Build(repository, batchRows: 1);
        var months = byMonth.Models.Single(r => r.Model == touches).Batches;
        Assert.True(months >= 5, $"{months} months");
        Keep(batched);

        // The touches' batches count their sessions and opportunities of the batch's own range: half of all of them
        // fits two or three months at a time, so fewer batches than months but more than one.
        var inputRows = db.Scalar<long>("select count(*) from core.fct_web_sessions") + db.Scalar<long>("select count(*) from core.fct_opportunities");
        var merged = Build(repository, batchRows: inputRows / 2);
        var mergedBatches = merged.Models.Single(r => r.Model == touches).Batches;
        Assert.InRange(mergedBatches, 2, months - 1);
        Assert.All(batched, model => Assert.True(
            merged.Models.Single(r => r.Model == model).Batches <= byMonth.Models.Single(r => r.Model == model).Batches,
            $"{model}: a larger budget made more batches"));
        AssertSameAsKept(batched);

        // Everything within the budget (the default at this size): one statement per model.
        var whole = Build(repository, batchRows: inputRows * 10);
        Assert.All(batched, model => Assert.Equal(0, whole.Models.Single(r => r.Model == model).Batches));
        AssertSameAsKept(batched);
        var byDefault = Build(repository);
        Assert.All(batched, model => Assert.Equal(0, byDefault.Models.Single(r => r.Model == model).Batches));
    }

    [Theory]
    [InlineData("1 GiB", 1L << 30)]
    [InlineData("7.5GiB", 15L << 29)]
    [InlineData("500MB", 500_000_000)]
    [InlineData("1024 bytes", 1024)]
    [InlineData("16383.9 PiB", long.MaxValue)]
    public void Memory_sizes_read_as_duckdb_writes_them(string text, long bytes) => Assert.Equal(bytes, ByteSize.Parse(text));

    [Theory]
    [InlineData("lots")]
    [InlineData("8 GiBs")]
    [InlineData("")]
    public void A_memory_size_that_is_not_one_is_refused_by_name(string text) =>
        Assert.Contains($"'{text}' is not a memory size", Assert.Throws<WarehouseException>(() => ByteSize.Parse(text)).Message, StringComparison.Ordinal);

    [Fact]
    public void The_budget_follows_duckdbs_memory_limit()
    {
        using var connection = db.Warehouse.Open();
        connection.Execute("set memory_limit = '2GiB'");
        Assert.Equal(2L << 30, db.Warehouse.Dialect.StatementMemoryBytes(connection));
        Assert.Equal((2L << 30) / BatchedRefresh.BytesPerRow, BatchedRefresh.RowBudget(db.Warehouse.Dialect.StatementMemoryBytes(connection)));
        connection.Execute("set memory_limit = '7GiB'");
        Assert.Equal(7L << 30, db.Warehouse.Dialect.StatementMemoryBytes(connection));
    }

    [Theory]
    [InlineData("      batch: day\n", "must be month, or week")]
    [InlineData("      batch: week\n", "must be month, or week")]
    public void A_batch_the_builder_cannot_split_by_is_refused_when_the_models_load(string batch, string message)
    {
        // Week batches of a month-grained model (mrt_channel_attribution) or day batches of anything are refused.
        const string attributionInputs = "      inputs:\n        core.fct_opportunities: created_month";
        var sql = SqlCopy.Of(RepoPaths.Sql, db.Folder.Sub("sql"));
        var declarations = Path.Combine(sql, "mart", "_models.yml");
        var yml = File.ReadAllText(declarations);
        Assert.Contains("      batch: month\n" + attributionInputs, yml, StringComparison.Ordinal);
        File.WriteAllText(declarations, yml.Replace("      batch: month\n" + attributionInputs, batch + attributionInputs, StringComparison.Ordinal));

        var error = Assert.Throws<WarehouseException>(() => ModelCatalog.Load(sql));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Loads a demo world into the test warehouse; returns the repository's models and those declared batched.</summary>
    private (ModelCatalog Repository, List<string> Batched) Loaded(int seed, int days)
    {
        var raw = db.Folder.Sub("raw");
        DemoDataGenerator.Generate(new GeneratorOptions { OutputDirectory = raw, Accounts = 120, Seed = seed, Days = days });
        new RawLoader(db.Warehouse).Load(raw);
        var repository = ModelCatalog.Load(RepoPaths.Sql);
        var batched = repository.Models.Where(m => m.Incremental?.Batch is not null).Select(m => m.QualifiedName).ToList();
        Assert.Contains("mart.mrt_opportunity_touches", batched);
        return (repository, batched);
    }

    private ModelCatalog Catalog(string name, Func<string, string> edit)
    {
        var sql = SqlCopy.Of(RepoPaths.Sql, db.Folder.Sub(name));
        var declarations = Path.Combine(sql, "mart", "_models.yml");
        var before = File.ReadAllText(declarations);
        var after = edit(before);
        Assert.NotEqual(before, after);
        File.WriteAllText(declarations, after);
        return ModelCatalog.Load(sql);
    }

    private BuildResult Build(ModelCatalog catalog, long? batchRows = null)
    {
        var result = new MartBuilder(db.Warehouse, catalog) { BatchRows = batchRows }.Build(fullRefresh: true);
        Assert.True(result.Published, string.Join("; ", result.Failures.Select(f => f.Test.Name)));
        return result;
    }

    private void Keep(IEnumerable<string> tables)
    {
        using var connection = db.Warehouse.Open();
        foreach (var table in tables)
        {
            connection.Execute($"create or replace table main.\"{table}\" as select * from {table}");
        }
    }

    private void AssertSameAsKept(IEnumerable<string> tables)
    {
        foreach (var table in tables)
        {
            var extra = db.Scalar<long>($"select count(*) from (select * from main.\"{table}\" except all select * from {table})");
            var missing = db.Scalar<long>($"select count(*) from (select * from {table} except all select * from main.\"{table}\")");
            Assert.True(extra == 0 && missing == 0 && db.Scalar<long>($"select count(*) from {table}") > 0, $"{table}: {extra} rows only in the first build, {missing} only in this one");
        }
    }
}
