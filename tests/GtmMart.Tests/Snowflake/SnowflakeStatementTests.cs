using GtmMart.Serving;
using GtmMart.Tests.Support;
using GtmMart.Training.Export;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Bulk;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;
using GtmMart.Warehouse.Snowflake;
using GtmMart.Warehouse.Tables;

namespace GtmMart.Tests.Snowflake;

/// <summary>
/// The statements the Snowflake adapter sends, captured by running the real load, build/publish, write-back and
/// export code against a recording provider: compared with the expected text, and every one validated in the
/// Snowflake dialect by tools/sql-dialect-check.
/// </summary>
public sealed class SnowflakeStatementTests
{
    private const string Conn = "account=acme;user=gtm;password=pw-not-shown";

    private static (SnowflakeWarehouse Warehouse, RecordingFactory Factory) Recording(string dir)
    {
        var factory = new RecordingFactory();
        return (new SnowflakeWarehouse(factory, SnowflakeSettings.Parse(Conn, "test"), dir), factory);
    }

    private static string WriteRaw(TempDirectory dir)
    {
        var raw = dir.Sub("raw");
        File.WriteAllText(Path.Combine(raw, "ad_spend.csv"), "date,campaign_id,channel,utm_source,utm_campaign,spend_usd,clicks,impressions\n2025-01-01,c1,Meta,fb,x,1.00,1,10\n");
        File.WriteAllText(Path.Combine(raw, "web_analytics.csv"), "session_id,user_id,session_date,landing_page,utm_source,utm_campaign,pageviews,conversions\ns1,u1,2025-01-01,/,fb,x,1,0\n");
        File.WriteAllText(Path.Combine(raw, "salesforce_opportunities.csv"), "opportunity_id,account_id,created_date,stage,amount_usd,source,owner_region\no1,a1,2025-01-01,Pipeline,10,Inbound,EU\n");
        return raw;
    }

    [Fact]
    public void Raw_load_puts_each_file_copies_it_captures_rejects_and_replaces_raw_tables_in_one_transaction()
    {
        using var dir = new TempDirectory();
        var (warehouse, factory) = Recording(dir.Path);
        var raw = WriteRaw(dir);

        var report = new RawLoader(warehouse).Load(raw);

        var sql = factory.Sql.ToList();
        var adSpend = Path.Combine(raw, "ad_spend.csv");
        Assert.Equal(1, report.LoadId);
        Assert.Contains($"PUT 'file://{adSpend}' @gtm_meta.gtm_stage/load/1/ad_spend/ AUTO_COMPRESS = TRUE OVERWRITE = TRUE", sql);
        Assert.Contains(
            "COPY INTO raw._gtm_load_ad_spend FROM @gtm_meta.gtm_stage/load/1/ad_spend/ FILE_FORMAT = (TYPE = CSV PARSE_HEADER = TRUE " +
            "FIELD_DELIMITER = ',' FIELD_OPTIONALLY_ENCLOSED_BY = '\"' DATE_FORMAT = 'YYYY-MM-DD' ENCODING = 'UTF8' EMPTY_FIELD_AS_NULL = TRUE) " +
            "MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE INCLUDE_METADATA = (_line = METADATA$FILE_ROW_NUMBER) ON_ERROR = CONTINUE FORCE = TRUE", sql);
        Assert.Contains(
            "create or replace transient table raw._gtm_load_ad_spend (\"DATE\" DATE, \"CAMPAIGN_ID\" VARCHAR, \"CHANNEL\" VARCHAR, \"UTM_SOURCE\" VARCHAR, " +
            "\"UTM_CAMPAIGN\" VARCHAR, \"SPEND_USD\" DECIMAL(18,2), \"CLICKS\" BIGINT, \"IMPRESSIONS\" BIGINT, _line bigint)", sql);
        var capture = Assert.Single(sql, s => s.StartsWith("create or replace transient table raw._gtm_rejects_ad_spend", StringComparison.Ordinal));
        Assert.Contains("from table(validate(raw._gtm_load_ad_spend, job_id => '_last'))", capture, StringComparison.Ordinal);
        Assert.Contains("when lower(regexp_substr(column_name, '[[]\"([^\"]+)\"', 1, 1, 'e', 1)) = 'spend_usd' then 'non-numeric spend_usd'", capture, StringComparison.Ordinal);
        Assert.Contains("select cast(row_start_line as bigint) as _line", capture, StringComparison.Ordinal);

        // The swap into raw happens between begin and commit; the stage folder and work tables go afterwards.
        var begin = sql.IndexOf("begin");
        var commit = sql.IndexOf("commit");
        var overwrite = sql.IndexOf(
            "insert overwrite into raw.ad_spend select \"DATE\", \"CAMPAIGN_ID\", \"CHANNEL\", \"UTM_SOURCE\", \"UTM_CAMPAIGN\", \"SPEND_USD\", \"CLICKS\", \"IMPRESSIONS\", ?, _line " +
            "from raw._gtm_checked_ad_spend where _reject_reason is null order by _line");
        Assert.True(begin < overwrite && overwrite < commit, string.Join("\n", sql));
        Assert.InRange(sql.IndexOf("insert into raw.load_rejects select ?, ?, ?, _line, _reject_column, _reject_reason, _reject_value from raw._gtm_checked_ad_spend where _reject_reason is not null order by _line"), begin, commit);
        Assert.InRange(sql.IndexOf("delete from raw.salesforce_accounts"), begin, commit);
        Assert.True(sql.IndexOf("REMOVE @gtm_meta.gtm_stage/load/1/") > commit);
        Assert.Equal(["ad_spend.csv"], factory.Statements[overwrite].Values);
    }

    /// <summary>What a provider throws for a failed statement.</summary>
    private sealed class ServerError(string message) : System.Data.Common.DbException(message);

    [Fact]
    public void A_failing_clean_up_after_a_failed_load_leaves_the_load_error_in_front()
    {
        using var dir = new TempDirectory();
        var (warehouse, factory) = Recording(dir.Path);
        var raw = WriteRaw(dir);
        factory.Fail = sql =>
            sql.StartsWith("COPY INTO raw._gtm_load_web_analytics", StringComparison.Ordinal) ? new InvalidOperationException("copy broke")
            : sql.StartsWith("REMOVE ", StringComparison.Ordinal) ? new ServerError("stage gone")
            : null;

        var error = Assert.Throws<InvalidOperationException>(() => new RawLoader(warehouse).Load(raw));

        Assert.Equal("copy broke", error.Message);
        Assert.Contains("stage gone", (string?)error.Data["cleanup"], StringComparison.Ordinal);
        Assert.DoesNotContain(factory.Sql, s => s.StartsWith("insert overwrite", StringComparison.Ordinal));
        Assert.Contains(factory.Sql, s => s.StartsWith("drop table if exists raw._gtm_load_ad_spend", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failing_clean_up_after_a_committed_load_fails_the_command_naming_the_leftover()
    {
        using var dir = new TempDirectory();
        var (warehouse, factory) = Recording(dir.Path);
        factory.Fail = sql => sql.StartsWith("REMOVE ", StringComparison.Ordinal) ? new ServerError("stage gone") : null;

        var error = Assert.Throws<WarehouseException>(() => new RawLoader(warehouse).Load(WriteRaw(dir)));

        Assert.StartsWith("The raw load committed, but cleaning up", error.Message, StringComparison.Ordinal);
        Assert.Contains("REMOVE @gtm_meta.gtm_stage/load/1/", error.Message, StringComparison.Ordinal);
        Assert.Contains("commit", factory.Sql);
    }

    [Fact]
    public void Publish_clones_kept_tables_into_the_build_and_swaps_each_layer_schema()
    {
        using var dir = new TempDirectory();
        var (warehouse, factory) = Recording(dir.Path);
        factory.Respond = sql => sql.Contains("information_schema.tables where lower(table_schema) = ? and table_type", StringComparison.Ordinal)
            ? RecordingFactory.Table(["table_name"], ["MRT_OPPORTUNITY_SCORES"], ["MRT_CHANNEL_FUNNEL"])
            : null;

        var result = new MartBuilder(warehouse, ModelCatalog.Load(RepoPaths.Sql)).Build();

        Assert.True(result.Published);
        var publish = factory.Sql.SkipWhile(s => !s.StartsWith("create schema if not exists seeds", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                "create schema if not exists seeds",
                "select table_name from information_schema.tables where lower(table_schema) = ? and table_type = 'BASE TABLE'",
                "create or replace table seeds__b0001.mrt_opportunity_scores clone seeds.mrt_opportunity_scores",
                "create or replace table seeds__b0001.mrt_channel_funnel clone seeds.mrt_channel_funnel",
                "alter schema seeds swap with seeds__b0001",
                "create schema if not exists staging",
                "select table_name from information_schema.tables where lower(table_schema) = ? and table_type = 'BASE TABLE'",
                "create or replace table staging__b0001.mrt_opportunity_scores clone staging.mrt_opportunity_scores",
                "create or replace table staging__b0001.mrt_channel_funnel clone staging.mrt_channel_funnel",
                "alter schema staging swap with staging__b0001",
                "create schema if not exists core",
                "select table_name from information_schema.tables where lower(table_schema) = ? and table_type = 'BASE TABLE'",
                "create or replace table core__b0001.mrt_opportunity_scores clone core.mrt_opportunity_scores",
                "create or replace table core__b0001.mrt_channel_funnel clone core.mrt_channel_funnel",
                "alter schema core swap with core__b0001",
                "create schema if not exists mart",
                "select table_name from information_schema.tables where lower(table_schema) = ? and table_type = 'BASE TABLE'",
                // mrt_channel_funnel is a model of the mart layer: the build's own table, not carried over.
                "create or replace table mart__b0001.mrt_opportunity_scores clone mart.mrt_opportunity_scores",
                "alter schema mart swap with mart__b0001",
                "update gtm_meta.builds set status = 'published', finished_at = current_timestamp, published_at = current_timestamp where build_id = ?",
                "drop schema if exists seeds__b0001 cascade",
                "drop schema if exists staging__b0001 cascade",
                "drop schema if exists core__b0001 cascade",
                "drop schema if exists mart__b0001 cascade",
            ],
            publish.Take(24));
    }

    [Fact]
    public void Bulk_write_stages_parquet_copies_it_into_a_session_table_and_inserts_it_in_the_transaction()
    {
        using var dir = new TempDirectory();
        var (warehouse, factory) = Recording(dir.Path);
        var at = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        List<object?[]> opportunities = [["o1", 80, 0.8, "[]", "opportunity", "v1", "run-1", at]];

        using (var connection = warehouse.Open())
        {
            using var staged = warehouse.Dialect.StageRows(connection, ScoreTables.OpportunityTable, opportunities, null);
            var staging = factory.Sql.ToList();
            connection.InTransaction(_ => staged.Append());
            Assert.Equal(staging, factory.Sql.Take(staging.Count));
            Assert.DoesNotContain("begin", staging);
        }

        var sql = factory.Sql.ToList();
        var put = Assert.Single(sql, s => s.StartsWith("PUT", StringComparison.Ordinal));
        var folder = System.Text.RegularExpressions.Regex.Match(put, "@gtm_meta.gtm_stage/bulk/mrt_opportunity_scores_[0-9a-f]{16}/").Value;
        Assert.Matches("^PUT 'file://.+/mrt_opportunity_scores.parquet' @gtm_meta.gtm_stage/bulk/mrt_opportunity_scores_[0-9a-f]{16}/ AUTO_COMPRESS = FALSE OVERWRITE = TRUE$", put);
        Assert.Contains("create or replace temporary table gtm_meta.mrt_opportunity_scores_stage like mart.mrt_opportunity_scores", sql);
        Assert.Contains($"COPY INTO gtm_meta.mrt_opportunity_scores_stage FROM {folder} FILE_FORMAT = (TYPE = PARQUET) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT FORCE = TRUE", sql);
        var insert = sql.IndexOf(
            "insert into mart.mrt_opportunity_scores (opportunity_id, score, probability, top_factors, model_name, model_version, run_id, scored_at) " +
            "select opportunity_id, score, probability, top_factors, model_name, model_version, run_id, scored_at from gtm_meta.mrt_opportunity_scores_stage");
        Assert.True(insert > 0 && sql[insert - 1] == "begin" && sql[insert + 1] == "commit", string.Join("\n", sql));
        Assert.Equal([$"REMOVE {folder}", "drop table if exists gtm_meta.mrt_opportunity_scores_stage"], sql[^2..]);
    }

    [Fact]
    public async Task The_staged_parquet_file_holds_the_rows_with_the_declared_types_and_nulls()
    {
        using var dir = new TempDirectory();
        var file = dir.File("s.parquet");
        var at = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

        RowsParquet.Write(file, ScoreTables.OpportunityTable, [["o1", 80, 0.8, "[]", "m", "v1", "run-1", at], ["o2", 5, 0.05, "[]", "m", "v1", "run-1", at]]);
        RowsParquet.Write(dir.File("h.parquet"), ScoreTables.HistoryTable, [[new DateOnly(2026, 1, 2), "opportunity", "o1", 80.0, null, "v1", "run-1"]]);

        await using var stream = File.OpenRead(file);
        await using var reader = await Parquet.ParquetReader.CreateAsync(stream);
        Assert.Equal(2, reader.Metadata!.NumRows);
        Assert.Equal(ScoreTables.OpportunityColumns, reader.Schema.DataFields.Select(f => f.Name));
        Assert.Equal([typeof(ReadOnlyMemory<char>), typeof(int), typeof(double), typeof(DateTime)], reader.Schema.DataFields.Select(f => f.ClrType).Distinct());
        Assert.All(reader.Schema.DataFields, f => Assert.False(f.IsNullable));
        Assert.Throws<ArgumentException>(() => RowsParquet.Write(dir.File("bad.parquet"), ScoreTables.OpportunityTable, [["o1", 80, 0.8, null, "m", "v1", "run-1", at]]));

        await using var history = File.OpenRead(dir.File("h.parquet"));
        await using var historyReader = await Parquet.ParquetReader.CreateAsync(history);
        Assert.True(historyReader.Schema.DataFields.Single(f => f.Name == "tier").IsNullable);
        Assert.Equal(1, historyReader.Metadata!.NumRows);
    }

    [Fact]
    public void Export_unloads_each_table_as_parquet_then_gets_the_folder_and_builds_the_manifest()
    {
        using var dir = new TempDirectory();
        var (warehouse, factory) = Recording(dir.Path);
        var outDir = dir.Sub("features");
        factory.Respond = sql =>
        {
            if (sql.StartsWith("select column_name, data_type, numeric_scale from information_schema.columns", StringComparison.Ordinal))
            {
                return RecordingFactory.Table(["column_name", "data_type", "numeric_scale"], ["OPPORTUNITY_ID", "TEXT", DBNull.Value], ["LABEL_WON", "NUMBER", 0L], ["AMOUNT_USD", "NUMBER", 2L], ["CREATED_DATE", "DATE", DBNull.Value]);
            }

            if (sql.StartsWith("GET", StringComparison.Ordinal))
            {
                // What GET would bring down: one Parquet file per table.
                RowsParquet.Write(
                    Path.Combine(outDir, "mrt_opportunity_features.parquet"),
                    new DeclaredTable("mart", "mrt_opportunity_features", [new("opportunity_id", "varchar", true), new("label_won", "integer", true)], "", "test"),
                    [["o1", 1]]);
            }

            return null;
        };

        var manifest = FeatureExporter.Export(warehouse, outDir, ["mart.mrt_opportunity_features"]);

        var sql = factory.Sql.ToList();
        var unload = Assert.Single(sql, s => s.StartsWith("COPY INTO @", StringComparison.Ordinal));
        Assert.Matches(
            "^COPY INTO @gtm_meta.gtm_stage/export/export_[0-9a-f]{16}/mrt_opportunity_features.parquet FROM \\(select OPPORTUNITY_ID as \"opportunity_id\", " +
            "cast\\(LABEL_WON as number\\(18, 0\\)\\) as \"label_won\", cast\\(AMOUNT_USD as double\\) as \"amount_usd\", CREATED_DATE as \"created_date\" " +
            "from mart.mrt_opportunity_features order by 1\\) FILE_FORMAT = \\(TYPE = PARQUET\\) HEADER = TRUE SINGLE = TRUE OVERWRITE = TRUE MAX_FILE_SIZE = 5000000000$",
            unload);
        var get = Assert.Single(sql, s => s.StartsWith("GET", StringComparison.Ordinal));
        Assert.Matches($"^GET @gtm_meta.gtm_stage/export/export_[0-9a-f]{{16}}/ 'file://{outDir}/'$", get);
        // The stage folder is removed after the download; then the exporter checks no build was published meanwhile.
        Assert.True(sql.FindIndex(s => s.StartsWith("REMOVE @gtm_meta.gtm_stage/export/", StringComparison.Ordinal)) > sql.IndexOf(get), string.Join("\n", sql));
        var file = Assert.Single(manifest.Files);
        Assert.Equal(1, file.Rows);
        Assert.Equal(["string", "int32"], file.Columns.Select(c => c.Type));
        Assert.Equal(manifest.SnapshotHash, ExportManifest.Verify(outDir).SnapshotHash);
    }

    [Fact]
    public void Stage_paths_identifiers_and_local_paths_are_validated_not_quoted_through()
    {
        Assert.Throws<ArgumentException>(() => SnowflakeSql.StagePath("load", "1; drop table x"));
        Assert.Throws<ArgumentException>(() => SnowflakeSql.Name("mart.x; drop table y"));
        Assert.Throws<ArgumentException>(() => SnowflakeSql.Remove("@other.stage/x/"));
        Assert.Throws<WarehouseException>(() => SnowflakeSql.FileUri("/tmp/it's.csv"));
        Assert.Equal("run_" + SnowflakeSql.KeySegment("run", "x' or 1=1")[4..], SnowflakeSql.KeySegment("run", "x' or 1=1"));
        Assert.Matches("^run_[0-9a-f]{16}$", SnowflakeSql.KeySegment("run", "x' or 1=1"));
    }

    [Fact]
    public void Every_statement_the_snowflake_adapter_sends_is_valid_snowflake_sql()
    {
        var statements = new List<(string Name, string Sql)>();
        using var dir = new TempDirectory();

        var (load, loadLog) = Recording(dir.Path);
        new RawLoader(load).Load(WriteRaw(dir));
        statements.AddRange(loadLog.Sql.Select((s, i) => ($"load #{i + 1}", s)));

        var (build, buildLog) = Recording(dir.Path);
        // A batched model's key range spans two months, each over the row budget, so its batch statements (the counts,
        // create, then insert) are checked too.
        buildLog.Respond = sql =>
            sql.Contains("table_type = 'BASE TABLE'", StringComparison.Ordinal) ? RecordingFactory.Table(["table_name"], ["MRT_OPPORTUNITY_SCORES"])
            : sql.Contains(" as batch_rows ", StringComparison.Ordinal)
                ? RecordingFactory.Table(["batch_key", "batch_rows"], [new DateTime(2025, 1, 15), 20_000_000L], [new DateTime(2025, 2, 3), 20_000_000L])
            : null;
        var catalog = ModelCatalog.Load(RepoPaths.Sql);
        new MartBuilder(build, catalog).Build();
        Assert.Contains(buildLog.Sql, s => s.StartsWith($"insert into {SqlRewriter.BuildSchema("mart", 1)}.mrt_opportunity_touches ", StringComparison.Ordinal));
        // Materializing a model wraps its file unchanged; the files pass the stricter model check (Every_model_is_portable_snowflake_sql).
        var materialize = catalog.Models.Select(m => $"{SqlRewriter.BuildSchema(m.Layer, 1)}.{m.Name} as ").ToList();
        statements.AddRange(buildLog.Sql.Select((s, i) => ($"build #{i + 1}", s)).Where(s => !materialize.Any(m => s.Item2.StartsWith("create ", StringComparison.Ordinal) && s.Item2.Contains(m, StringComparison.Ordinal))));

        var (writeBack, writeBackLog) = Recording(dir.Path);
        using (var connection = writeBack.Open())
        {
            ScoreTables.Ensure(connection);
            using var staged = writeBack.Dialect.StageRows(connection, ScoreTables.OpportunityTable, [["o1", 1, 0.1, "[]", "m", "v", "run-1", DateTime.UtcNow]], null);
            staged.Append();
        }

        statements.AddRange(writeBackLog.Sql.Select((s, i) => ($"write-back #{i + 1}", s)));

        var (export, exportLog) = Recording(dir.Path);
        var outDir = dir.Sub("export");
        exportLog.Respond = sql => sql.StartsWith("select column_name", StringComparison.Ordinal)
            ? RecordingFactory.Table(["column_name", "data_type", "numeric_scale"], ["A", "NUMBER", 0L])
            : null;
        Assert.Throws<WarehouseException>(() => FeatureExporter.Export(export, outDir, ["mart.mrt_account_features"]));
        statements.AddRange(exportLog.Sql.Select((s, i) => ($"export #{i + 1}", s)));

        var kinds = statements.Select(s => s.Sql.Split(' ')[0].ToUpperInvariant()).ToHashSet();
        Assert.Superset(new HashSet<string> { "PUT", "COPY", "GET", "REMOVE", "ALTER", "INSERT", "CREATE", "DELETE", "SELECT", "UPDATE" }, kinds);

        var result = DialectCheckTool.CheckSnowflakeStatements(statements.Where(s => s.Sql is not ("begin" or "commit")));

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"{statements.Count(s => s.Sql is not ("begin" or "commit"))} passed, 0 failed", result.Output, StringComparison.Ordinal);
    }
}
