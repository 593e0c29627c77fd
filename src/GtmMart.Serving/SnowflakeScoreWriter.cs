using System.Data.Common;
using System.Globalization;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Snowflake;
using Parquet;
using Parquet.Schema;

namespace GtmMart.Serving;

/// <summary>
/// The write-back's bulk path on Snowflake, as Snowflake recommends for many rows: the scores are written to Parquet
/// locally, PUT to a stage folder of their own and COPYed into transient staging tables (<see cref="Stage"/>); then,
/// inside the write-back transaction, MERGE by entity (and by day for the history) takes this run's rows into the
/// score tables (<see cref="Merge"/>). MERGE with the same run's rows changes nothing more, so a rerun is idempotent.
/// Disposing removes the staged files and rows.
/// </summary>
internal sealed class SnowflakeScoreWriter : IDisposable
{
    private const string OpportunityStage = $"{ScoreTables.RunsSchema}.{ScoreTables.Opportunities}_stage";
    private const string AccountStage = $"{ScoreTables.RunsSchema}.{ScoreTables.Accounts}_stage";

    private readonly DbConnection connection;
    private readonly string runId;
    private readonly string folder;
    private readonly string localDirectory;

    private SnowflakeScoreWriter(DbConnection connection, string runId)
    {
        this.connection = connection;
        this.runId = runId;
        folder = SnowflakeSql.StagePath("writeback", SnowflakeSql.KeySegment("run", runId));
        localDirectory = Path.Combine(Path.GetTempPath(), "gtm-writeback", Guid.NewGuid().ToString("N"));
    }

    /// <summary>Uploads this run's scores and loads them into the staging tables (outside any transaction).</summary>
    public static SnowflakeScoreWriter Stage(DbConnection connection, string runId, List<object?[]> opportunityRows, List<object?[]> accountRows, IProgress<string>? progress)
    {
        var writer = new SnowflakeScoreWriter(connection, runId);
        try
        {
            writer.Upload(OpportunityStage, ScoreTables.Opportunities, ScoreTables.OpportunityColumns, opportunityRows, progress);
            writer.Upload(AccountStage, ScoreTables.Accounts, ScoreTables.AccountColumns, accountRows, progress);
            return writer;
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    /// <summary>Merges the staged run into the latest tables (replaced whole) and the day's history; returns the row counts.</summary>
    public (long Opportunities, long Accounts) Merge(DateOnly scoreDate)
    {
        var opportunities = MergeLatest(OpportunityStage, ScoreTables.Opportunities, "opportunity_id", ScoreTables.OpportunityColumns);
        MergeHistory(scoreDate, "opportunity", $"opportunity_id as entity_id, cast(score as double) as score, cast(null as varchar) as tier", OpportunityStage);
        var accounts = MergeLatest(AccountStage, ScoreTables.Accounts, "account_id", ScoreTables.AccountColumns);
        MergeHistory(scoreDate, "account", "account_id as entity_id, fit_score as score, tier", AccountStage);
        return (opportunities, accounts);
    }

    public void Dispose()
    {
        if (connection is not null)
        {
            connection.Execute(SnowflakeSql.Remove(folder));
            connection.Execute($"delete from {OpportunityStage} where run_id = $run", ("run", runId));
            connection.Execute($"delete from {AccountStage} where run_id = $run", ("run", runId));
        }

        if (Directory.Exists(localDirectory))
        {
            Directory.Delete(localDirectory, recursive: true);
        }
    }

    private void Upload(string stageTable, string table, IReadOnlyList<string> columns, List<object?[]> rows, IProgress<string>? progress)
    {
        Directory.CreateDirectory(localDirectory);
        var file = Path.Combine(localDirectory, table + ".parquet");
        ScoreParquet.Write(file, columns, rows);
        connection.Execute(SnowflakeSql.CreateStage());
        connection.Execute(CreateStageTable(stageTable, table));
        connection.Execute($"delete from {stageTable} where run_id = $run", ("run", runId));
        connection.Execute(SnowflakeSql.Put(file, Sub(table), autoCompress: false));
        connection.Execute(SnowflakeSql.CopyParquet(stageTable, Sub(table)));
        progress?.Report($"staged {rows.Count:N0} rows for {ScoreTables.Schema}.{table}");
    }

    private long MergeLatest(string stageTable, string table, string key, IReadOnlyList<string> columns)
    {
        connection.Execute(LatestMerge(stageTable, table, key, columns), ("run", runId));
        // The latest table is replaced whole: entities this run did not score (closed since) leave it.
        connection.Execute($"delete from {ScoreTables.Schema}.{table} where run_id <> $run", ("run", runId));
        return connection.Scalar<long>($"select count(*) from {ScoreTables.Schema}.{table} where run_id = $run", ("run", runId));
    }

    private void MergeHistory(DateOnly scoreDate, string entityType, string entityColumns, string stageTable) =>
        connection.Execute(HistoryMerge(entityType, entityColumns, stageTable), ("day", scoreDate), ("type", entityType), ("run", runId));

    private static string LatestMerge(string stageTable, string table, string key, IReadOnlyList<string> columns) =>
        SnowflakeSql.Merge($"{ScoreTables.Schema}.{table}", $"select * from {stageTable} where run_id = $run", [key], columns);

    private static string HistoryMerge(string entityType, string entityColumns, string stageTable) =>
        SnowflakeSql.Merge(
            $"{ScoreTables.Schema}.{ScoreTables.History}",
            $"select cast($day as date) as score_date, cast($type as varchar) as entity_type, {entityColumns}, model_version, run_id from {stageTable} where run_id = $run",
            ["score_date", "entity_type", "entity_id"],
            ScoreTables.HistoryColumns);

    private static string CreateStageTable(string stageTable, string table) =>
        $"create transient table if not exists {stageTable} like {ScoreTables.Schema}.{table}";

    private string Sub(string table) => folder + table + "/";
}

/// <summary>Writes score rows (string, int, double and UTC timestamp values, none null) to one Parquet file.</summary>
internal static class ScoreParquet
{
    public static void Write(string path, IReadOnlyList<string> columns, List<object?[]> rows) =>
        WriteAsync(path, columns, rows).GetAwaiter().GetResult();

    private static async Task WriteAsync(string path, IReadOnlyList<string> columns, List<object?[]> rows)
    {
        var fields = columns.Select((c, i) => FieldFor(c, rows.Count == 0 ? null : rows[0][i])).ToList();
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream).ConfigureAwait(false);
        using var group = writer.CreateRowGroup();
        for (var i = 0; i < fields.Count; i++)
        {
            var column = i;
            var field = fields[i];
            var write = field switch
            {
                DataField<int> f => group.WriteAsync(f, new ReadOnlyMemory<int>(rows.Select(r => Convert.ToInt32(r[column], CultureInfo.InvariantCulture)).ToArray())),
                DataField<double> f => group.WriteAsync(f, new ReadOnlyMemory<double>(rows.Select(r => Convert.ToDouble(r[column], CultureInfo.InvariantCulture)).ToArray())),
                DataField<DateTime> f => group.WriteAsync(f, new ReadOnlyMemory<DateTime>(rows.Select(r => (DateTime)r[column]!).ToArray())),
                _ => group.WriteAsync(field, new ArraySegment<string>(rows.Select(r => (string)r[column]!).ToArray())),
            };
            await write.ConfigureAwait(false);
        }

        group.CompleteValidate();
    }

    private static DataField FieldFor(string name, object? sample) => sample switch
    {
        int => new DataField<int>(name),
        double or float => new DataField<double>(name),
        DateTime => new DataField<DateTime>(name),
        _ => new DataField<string>(name),
    };
}
