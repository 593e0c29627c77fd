using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GtmMart.Scoring.Icp;
using GtmMart.Scoring.Opportunity;
using GtmMart.Serving.Drift;
using GtmMart.Warehouse;
using GtmMart.Warehouse.Bulk;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.History;
using GtmMart.Warehouse.Tables;

namespace GtmMart.Serving;

/// <summary>
/// Scores every open opportunity and every account and writes the results back to the warehouse in one transaction:
/// the latest scores (<c>mart.mrt_opportunity_scores</c>, <c>mart.mrt_account_scores</c>, replaced whole), the
/// daily history (<c>mart.mrt_score_history_daily</c>, one row per entity and day; a rerun the same day replaces the
/// day's row), the drift of the scored populations against the versions' training references
/// (<c>mart.mrt_feature_drift</c>, see <see cref="Drift.ScoringDrift"/>), the per-run score history with its changes
/// (<see cref="ScoreHistory"/>) and the run ledger (<c>gtm_meta.score_runs</c>). A process killed midway leaves the previous run's
/// tables untouched because nothing is committed before the end. Idempotent per run id: a run id that was already
/// committed is not written again (<see cref="WriteBackResult.AlreadyWritten"/>).
/// </summary>
/// <remarks>
/// Single writer: DuckDB lets one process write a file. Scoring happens before the write connection is opened and
/// the connection is closed right after the commit, so the file lock is held only for the short write. A second
/// process trying to write meanwhile fails fast with the warehouse's "one writing process" message.
/// </remarks>
public sealed partial class ScoreWriteBack
{
    public const string AfterOpportunitiesFailpoint = "writeback:after-opportunities";

    /// <summary>Inside the transaction, after the latest scores, the run's history, its changes and the ledger row are written and tested.</summary>
    public const string BeforeCommitFailpoint = "writeback:before-commit";

    private readonly IWarehouse warehouse;
    private readonly TimeProvider time;

    public ScoreWriteBack(IWarehouse warehouse)
        : this(warehouse, TimeProvider.System)
    {
    }

    /// <summary>With a clock (tests use it to score on different days).</summary>
    public ScoreWriteBack(IWarehouse warehouse, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(time);
        this.warehouse = warehouse;
        this.time = time;
    }

    /// <summary>How many runs <c>history.scores</c> keeps (default: every run); older runs are dropped by the run that passes the limit.</summary>
    public ScoreHistoryRetention Retention { get; init; } = ScoreHistoryRetention.KeepAll;

    /// <summary>A new run id: <c>run-&lt;utc yyyyMMddHHmmss&gt;-&lt;6 hex chars&gt;</c>.</summary>
    public static string NewRunId() => NewRunId(DateTime.UtcNow);

    private static string NewRunId(DateTime utc) =>
        $"run-{utc.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    public WriteBackResult Run(ModelSet models, FeatureStore features, string? runId = null, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(features);
        runId ??= NewRunId(Now());
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        var startedAt = Now();

        Retention.Validate();
        using (var connection = warehouse.Open())
        {
            ScoreTables.Ensure(connection);
            ScoreHistory.Ensure(connection);
            if (Committed(connection, runId) is { } earlier)
            {
                progress?.Report($"run {runId} was already written: nothing to do");
                return earlier;
            }
        }

        var watch = Stopwatch.StartNew();
        progress?.Report(models.HasOpportunity
            ? $"scoring {features.OpenOpportunities.Count:N0} open opportunities with {models.OpportunityModel} {models.OpportunityVersion} ({TrustLabels.Kind(models.OpportunityCard)}, {TrustLabels.Verdict(models.OpportunityCard)})"
            : $"no opportunity scores: {models.MissingOpportunity}");
        IReadOnlyList<OpportunityScore> opportunityScores = models.HasOpportunity ? models.Opportunity.ScoreBatch(features.OpenOpportunities) : [];
        ct.ThrowIfCancellationRequested();
        progress?.Report(models.HasIcp
            ? $"scoring {features.Accounts.Count:N0} accounts with {models.IcpModel} {models.IcpVersion} ({TrustLabels.Kind(models.IcpCard)}, {TrustLabels.Verdict(models.IcpCard)})"
            : $"no account scores: {models.MissingIcp}");
        IReadOnlyList<AccountScore> accountScores = models.HasIcp ? models.Icp.ScoreBatch(features.Accounts) : [];
        ct.ThrowIfCancellationRequested();
        progress?.Report($"scored in {watch.Elapsed.TotalSeconds:0.0}s; writing");

        // The populations' drift is compared on a pool thread while the writing thread goes on (its messages are
        // reported from this thread once it is done). It starts once the engine has taken the last opportunity score
        // row (or when the drift rows are asked for, if that comes first): making and handing over those rows already
        // keeps both cores busy (their JSON is made on pool threads beside the writer), while what follows (DuckDB's
        // one-thread copies, or Snowflake's upload of the staged file) leaves a core free.
        var driftMessages = new List<string>();
        var drift = new Lazy<Task<IReadOnlyList<ModelDrift>>>(
            () => Task.Run(() => ScoringDrift.Compare(models, features, opportunityScores, accountScores, new CollectedProgress(driftMessages)), ct));

        var scoredAt = Now();
        try
        {
            return Write(models, features, runId, startedAt, scoredAt, opportunityScores, accountScores, drift, driftMessages, progress, ct);
        }
        catch (Exception ex) when (ex is DbException or OperationCanceledException or ServingException)
        {
            RecordFailure(models, features, runId, startedAt, ex);
            throw;
        }
    }

    private WriteBackResult Write(
        ModelSet models,
        FeatureStore features,
        string runId,
        DateTime startedAt,
        DateTime scoredAt,
        IReadOnlyList<OpportunityScore> opportunityScores,
        IReadOnlyList<AccountScore> accountScores,
        Lazy<Task<IReadOnlyList<ModelDrift>>> drift,
        IReadOnlyList<string> driftMessages,
        IProgress<string>? progress,
        CancellationToken ct)
    {
        var scoreDate = DateOnly.FromDateTime(scoredAt);
        // Every row's constant text encoded once; the rows' values appended typed, in the tables' column order.
        var run = Encoding.UTF8.GetBytes(runId);
        var (opportunityModel, opportunityVersion) = (Encoding.UTF8.GetBytes(models.OpportunityModel), Encoding.UTF8.GetBytes(models.OpportunityVersion));
        var (icpModel, icpVersion) = (Encoding.UTF8.GetBytes(models.IcpModel), Encoding.UTF8.GetBytes(models.IcpVersion));
        var opportunityEntity = Encoding.UTF8.GetBytes("opportunity");
        var opportunityRows = ScoresWithJson(opportunityScores, s => s.OpportunityId, OpportunityJson, whenDone: () => _ = drift.Value);
        BulkRowWriter<WithJson<OpportunityScore>> opportunityRow = (r, row) => row
            .AddUtf8(r.Id.Span).Add(r.Score.Score).Add(r.Score.Probability).AddUtf8(r.Json.Span)
            .AddUtf8(opportunityModel).AddUtf8(opportunityVersion).AddUtf8(run).Add(scoredAt);
        var accountRows = ScoresWithJson(accountScores, s => s.AccountId, AccountJson);
        BulkRowWriter<WithJson<AccountScore>> accountRow = (r, row) => row
            .AddUtf8(r.Id.Span).Add(r.Score.FitScore).Add(r.Score.Tier.ToString()).Add(r.Score.SegmentName).Add(r.Score.BehaviourScore).AddUtf8(r.Json.Span)
            .AddUtf8(icpModel).AddUtf8(icpVersion).AddUtf8(run).Add(scoredAt);
        BulkRowWriter<FactorBytes> factorRow = (r, row) => row
            .AddUtf8(run).AddUtf8(opportunityEntity).AddUtf8(r.OpportunityId.Span).AddUtf8(r.Family.Span).Add(r.Contribution);
        var clock = new WriteBackClock();
        using var connection = warehouse.Open();
        ScoreTables.Ensure(connection);
        ScoreHistory.Ensure(connection);
        // The engine's settings for the write (DuckDB: one thread), put back before the data tests.
        using var bulkWrite = warehouse.Dialect.BeginBulkWrite(connection);
        // The dialect's bulk write: an engine that loads files uploads the rows now, outside the transaction.
        using var stagedOpportunities = warehouse.Dialect.StageRows(connection, ScoreTables.OpportunityTable, opportunityRows, opportunityRow, progress);
        using var stagedAccounts = warehouse.Dialect.StageRows(connection, ScoreTables.AccountTable, accountRows, accountRow, progress);
        using var stagedDrift = warehouse.Dialect.StageRows(connection, ScoreTables.DriftTable, DriftRows(runId, scoredAt, drift, driftMessages, progress), progress);
        using var stagedFactors = warehouse.Dialect.StageRows(connection, HistoryTables.Factors, FactorRows(opportunityScores), factorRow, progress);
        clock.Mark("open and stage");
        var result = connection.InTransaction(_ =>
        {
            // Checked again inside the transaction: another writer may have committed the same run id meanwhile.
            if (Committed(connection, runId) is { } earlier)
            {
                return earlier;
            }

            var opportunities = Replace(connection, ScoreTables.OpportunityTable, stagedOpportunities, "opportunity",
                "select opportunity_id, cast(score as double), cast(null as varchar), model_version, run_id", "opportunity_id", scoreDate, clock, ct);
            progress?.Report($"wrote {opportunities:N0} opportunity scores");

            var accounts = Replace(connection, ScoreTables.AccountTable, stagedAccounts, "account",
                "select account_id, fit_score, tier, model_version, run_id", "account_id", scoreDate, null, ct);
            progress?.Report($"wrote {accounts:N0} account scores");
            clock.Mark("accounts");
            var kept = ScoreHistory.RecordScores(connection, runId);
            clock.Mark("per-run scores");

            // The run's drift before the failpoint below, so a kill there comes after it was written (the kill test checks none of it shows).
            connection.Execute($"delete from {ScoreTables.DriftTable.QualifiedName} where run_id = $run", ("run", runId));
            var driftRows = stagedDrift.Append(ct);
            progress?.Report($"wrote {driftRows:N0} drift rows");
            clock.Mark("drift");

            Failpoint.Hit(AfterOpportunitiesFailpoint);
            ct.ThrowIfCancellationRequested();
            RecordHistory(connection, runId, kept, stagedFactors, scoredAt, clock, progress, ct);
            connection.Execute($"delete from {ScoreTables.RunTable.QualifiedName} where run_id = $run", ("run", runId));
            connection.Execute(
                $"""
                insert into {ScoreTables.RunTable.QualifiedName}
                    (run_id, status, started_at, finished_at, scored_at, opportunities, accounts,
                     opportunity_model, opportunity_model_version, icp_model, icp_model_version, feature_build_id, message,
                     opportunity_model_kind, opportunity_trust, opportunity_trust_reason, icp_model_kind, icp_trust, icp_trust_reason)
                values ($run, $status, $started, $finished, $scored, $opportunities, $accounts, $om, $omv, $im, $imv, $build, null,
                        $okind, $otrust, $oreason, $ikind, $itrust, $ireason)
                """,
                ("run", runId), ("status", ScoreTables.Succeeded), ("started", startedAt), ("finished", Now()),
                ("scored", scoredAt), ("opportunities", opportunities), ("accounts", accounts),
                ("om", models.OpportunityModel), ("omv", models.OpportunityVersion), ("im", models.IcpModel), ("imv", models.IcpVersion),
                ("build", features.BuildId),
                ("okind", TrustLabels.Kind(models.OpportunityCard)), ("otrust", TrustLabels.Verdict(models.OpportunityCard)), ("oreason", TrustLabels.Reason(models.OpportunityCard) ?? models.MissingOpportunity),
                ("ikind", TrustLabels.Kind(models.IcpCard)), ("itrust", TrustLabels.Verdict(models.IcpCard)), ("ireason", TrustLabels.Reason(models.IcpCard) ?? models.MissingIcp));
            clock.Mark("ledger");
            bulkWrite.Dispose();
            Audit(connection, runId, progress);
            clock.Mark("data tests");
            Failpoint.Hit(BeforeCommitFailpoint);
            return new WriteBackResult(runId, opportunities, accounts, scoredAt, false, models.OpportunityVersion, models.IcpVersion);
        });

        if (result.AlreadyWritten)
        {
            return result;
        }

        clock.Mark("commit");
        var rows = result.Opportunities + result.Accounts;
        progress?.Report($"committed {rows:N0} rows in {clock.Elapsed.TotalSeconds:0.00}s ({rows / Math.Max(clock.Elapsed.TotalSeconds, 1e-6):N0} rows/s)");
        return result with { Steps = clock.Steps };
    }

    /// <summary>
    /// Completes the run's score history (<see cref="ScoreHistory"/>; its <paramref name="kept"/> scores were copied
    /// from the latest tables before): its reasons' family contributions (staged by the dialect's bulk write), its
    /// changes since each entity's previous run, then the retention.
    /// </summary>
    private void RecordHistory(DbConnection connection, string runId, long kept, IStagedRows stagedFactors, DateTime scoredAt, WriteBackClock clock, IProgress<string>? progress, CancellationToken ct)
    {
        connection.Execute($"delete from {HistoryTables.Factors.QualifiedName} where run_id = $run", ("run", runId));
        stagedFactors.Append(ct);
        clock.Mark("factor rows");
        var changes = ScoreHistory.RecordChanges(connection, runId);
        clock.Mark("changes");
        var dropped = ScoreHistory.Prune(connection, Retention, runId, scoredAt);
        clock.Mark("retention");
        progress?.Report($"score history: kept {kept:N0} scores of this run, {changes:N0} changed since their previous run" +
                         (dropped > 0 ? $"; dropped {dropped:N0} run(s) past the retention ({Retention})" : ""));
    }

    /// <summary>The drift rows, once the comparison is done (its messages reported first, from the writing thread).</summary>
    private static IEnumerable<object?[]> DriftRows(
        string runId, DateTime scoredAt, Lazy<Task<IReadOnlyList<ModelDrift>>> drift, IReadOnlyList<string> messages, IProgress<string>? progress)
    {
        var compared = drift.Value.GetAwaiter().GetResult();
        foreach (var message in messages)
        {
            progress?.Report(message);
        }

        foreach (var row in FeatureDriftTable.Rows(runId, scoredAt, compared))
        {
            yield return row;
        }
    }

    /// <summary>
    /// Replaces <paramref name="latest"/> whole with the staged rows, then the day's history rows of the entities in it
    /// (<paramref name="historySelect"/> picks entity id, score, tier, model version and run id from the latest table).
    /// </summary>
    private static long Replace(
        DbConnection connection, DeclaredTable latest, IStagedRows staged, string entityType, string historySelect, string idColumn, DateOnly scoreDate, WriteBackClock? clock, CancellationToken ct)
    {
        connection.Execute($"delete from {latest.QualifiedName}");
        var rows = staged.Append(ct);
        clock?.Mark($"latest {entityType} scores");
        var history = ScoreTables.HistoryTable.QualifiedName;
        connection.Execute(
            $"delete from {history} where score_date = $day and entity_type = $type and entity_id in (select {idColumn} from {latest.QualifiedName})",
            ("day", scoreDate), ("type", entityType));
        connection.Execute(
            $"""
            insert into {history} (score_date, entity_type, entity_id, score, tier, model_version, run_id)
            select $day, $type, s.* from ({historySelect} from {latest.QualifiedName}) as s
            """,
            ("day", scoreDate), ("type", entityType));
        clock?.Mark($"daily {entityType} history");
        return rows;
    }

    /// <summary>
    /// The score tables' and score history's data tests (sql/scores/_tables.yml, sql/history/_tables.yml) on what this transaction is about to commit: a failure
    /// throws, the transaction rolls back, and the previous scores stay.
    /// </summary>
    private static void Audit(DbConnection connection, string runId, IProgress<string>? progress)
    {
        progress?.Report($"testing the score tables ({ScoreTables.DataTests.Count + ScoreHistory.DataTests.Count} data tests)");
        var results = ScoreTables.Test(connection).Concat(HistoryTables.Set.Test(connection, ScoreHistory.DataTests)).ToList();
        var failed = results.Where(r => !r.Passed).ToList();
        if (failed.Count > 0)
        {
            throw new ServingException(
                $"write-back run {runId} was not committed: {failed.Count} data test(s) on the score tables failed " +
                $"({string.Join("; ", failed.Take(3).Select(f => $"{f.Test.Name}: {f.FailingRows:N0} row(s)"))}); the previous scores are unchanged.");
        }

        progress?.Report($"data tests: {results.Count} passed on the score tables");
    }

    /// <summary>The committed run with this id, as an <see cref="WriteBackResult.AlreadyWritten"/> result, or null.</summary>
    private static WriteBackResult? Committed(DbConnection connection, string runId) =>
        connection.Query(
            $"""
            select run_id, opportunities, accounts, scored_at, opportunity_model_version, icp_model_version
            from {ScoreTables.RunsSchema}.{ScoreTables.Runs} where run_id = $run and status = $status
            """,
            r => new WriteBackResult(
                r.GetString(0),
                Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture),
                Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture),
                DateTime.SpecifyKind(r.GetDateTime(3), DateTimeKind.Utc),
                true,
                r.NullableString(4) ?? "",
                r.NullableString(5) ?? ""),
            ("run", runId), ("status", ScoreTables.Succeeded)).FirstOrDefault();

    /// <summary>Best effort: notes a failed (not killed) run in the ledger; a lock or I/O error here is ignored.</summary>
    private void RecordFailure(ModelSet models, FeatureStore features, string runId, DateTime startedAt, Exception error)
    {
        try
        {
            using var connection = warehouse.Open();
            connection.InTransaction(_ =>
            {
                connection.Execute($"delete from {ScoreTables.RunsSchema}.{ScoreTables.Runs} where run_id = $run and status <> $ok", ("run", runId), ("ok", ScoreTables.Succeeded));
                return connection.Execute(
                    $"""
                    insert into {ScoreTables.RunsSchema}.{ScoreTables.Runs}
                        (run_id, status, started_at, finished_at, opportunity_model, opportunity_model_version, icp_model, icp_model_version, feature_build_id, message)
                    select $run, $status, $started, $finished, $om, $omv, $im, $imv, $build, $message
                    where not exists (select 1 from {ScoreTables.RunsSchema}.{ScoreTables.Runs} where run_id = $run)
                    """,
                    ("run", runId), ("status", ScoreTables.Failed), ("started", startedAt), ("finished", Now()),
                    ("om", models.OpportunityModel), ("omv", models.OpportunityVersion), ("im", models.IcpModel), ("imv", models.IcpVersion),
                    ("build", features.BuildId), ("message", error.Message.Split('\n')[0]));
            });
        }
        catch (Exception ex) when (ex is DbException or WarehouseException or IOException)
        {
            // The original error is what matters; the ledger row is a convenience.
        }
    }

    /// <summary>Collects progress messages (of work on another thread) to report later.</summary>
    private sealed class CollectedProgress(List<string> messages) : IProgress<string>
    {
        public void Report(string value)
        {
            lock (messages)
            {
                messages.Add(value);
            }
        }
    }

    private DateTime Now() => Truncate(time.GetUtcNow().UtcDateTime);

    /// <summary>DuckDB timestamps hold microseconds; truncating keeps what is returned equal to what is stored.</summary>
    private static DateTime Truncate(DateTime utc) => new(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);

}
