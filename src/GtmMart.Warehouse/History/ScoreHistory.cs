using System.Data.Common;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.History;

/// <summary>
/// Every write-back run's scores, kept so any past run can be judged (<c>mart.mrt_score_outcomes</c>,
/// <c>mart.mrt_model_performance</c>) and explained (<c>mart.mrt_score_changes</c>):
/// <list type="bullet">
/// <item><c>history.scores</c>: one row per run, entity type (<c>opportunity</c> / <c>account</c>) and entity id with
/// the score (opportunity 1-99, account fit 0-100), probability (opportunities), tier (accounts), model name and
/// version, reasons (<c>top_factors</c>, the JSON the latest tables carry) and <c>scored_at</c>.</item>
/// <item><c>history.score_factors</c>: the opportunity reasons' family contributions (win log-odds) per run, the
/// portable form of <c>top_factors</c> that <c>mrt_score_changes</c> compares.</item>
/// <item><c>mart.mrt_score_changes</c>: per entity and run, the change since the entity's previous run, written by
/// the write-back from <c>sql/history/queries/score_changes.sql</c>.</item>
/// </list>
/// The write-back fills them in the transaction that replaces the latest scores; builds never touch them.
/// </summary>
public static class ScoreHistory
{
    public const string Schema = OpportunityHistory.Schema;
    public const string Scores = "scores";
    public const string Factors = "score_factors";
    public const string ScoresName = $"{Schema}.{Scores}";
    public const string FactorsName = $"{Schema}.{Factors}";
    public const string ChangesName = "mart.mrt_score_changes";

    /// <summary>Columns of <c>history.score_factors</c> in table order.</summary>
    public static IReadOnlyList<string> FactorColumns => HistoryTables.Factors.ColumnNames;

    /// <summary>Every consecutive pair of runs per entity (<c>sql/history/queries/score_changes.sql</c>, built into this assembly).</summary>
    public static string ChangesSql { get; } = HistorySql.Read("score_changes.sql");

    /// <summary>Creates the history schema's score tables and <c>mart.mrt_score_changes</c> when missing (DDL: outside transactions).</summary>
    public static void Ensure(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        HistoryTables.Scores.Ensure(connection);
        HistoryTables.Factors.Ensure(connection);
        HistoryTables.Changes.Ensure(connection);
    }

    /// <summary>The data tests of the tables the write-back fills (all of <c>sql/history/_tables.yml</c> but the stage history's).</summary>
    public static IReadOnlyList<Testing.DataTest> DataTests { get; } = HistoryTables.Set.TestsOf(HistoryTables.Scores, HistoryTables.Factors, HistoryTables.Changes);

    /// <summary>
    /// Copies run <paramref name="runId"/>'s latest scores (<c>mart.mrt_opportunity_scores</c> and
    /// <c>mart.mrt_account_scores</c>, which the run has just replaced in the same transaction) into
    /// <c>history.scores</c>. Returns the rows written.
    /// </summary>
    public static int RecordScores(DbConnection connection, string runId)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Execute($"delete from {ScoresName} where run_id = $run", ("run", runId));
        return connection.Execute(
            $"""
            insert into {ScoresName} (run_id, entity_type, entity_id, score, probability, tier, model_name, model_version, top_factors, scored_at)
            select run_id, 'opportunity', opportunity_id, cast(score as double), probability, cast(null as varchar), model_name, model_version, top_factors, scored_at
            from mart.mrt_opportunity_scores where run_id = $run
            union all
            select run_id, 'account', account_id, fit_score, cast(null as double), tier, model_name, model_version, top_factors, scored_at
            from mart.mrt_account_scores where run_id = $run
            """,
            ("run", runId));
    }

    /// <summary>Writes run <paramref name="runId"/>'s rows of <c>mart.mrt_score_changes</c> (after its scores and factors are in the history).</summary>
    public static int RecordChanges(DbConnection connection, string runId)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Execute($"delete from {ChangesName} where run_id = $run", ("run", runId));
        // A change pairs a score with an earlier run's; with no other run kept (the first run) there is none to look for.
        if (connection.Query($"select 1 from {ScoresName} where run_id <> $run limit 1", _ => 1, ("run", runId)).Count == 0)
        {
            return 0;
        }

        return connection.Execute($"insert into {ChangesName} select * from ({RunChangesSql}) as changes where run_id = $run", ("run", runId));
    }

    /// <summary>
    /// <see cref="ChangesSql"/> over only what run <c>$run</c>'s changes read: each of its entities' rows of this run
    /// and of their latest earlier run (and their factors), so the cost follows the run's size, not the history's.
    /// </summary>
    private static string RunChangesSql { get; } = Narrow(Narrow(
        ChangesSql,
        $"select * from {ScoresName})",
        $"""
        select * from {ScoresName} as h
        where exists (select 1 from {ScoresName} as c where c.run_id = $run and c.entity_type = h.entity_type and c.entity_id = h.entity_id and h.scored_at <= c.scored_at)
        qualify row_number() over (partition by h.entity_type, h.entity_id order by h.scored_at desc, h.run_id desc) <= 2)
        """),
        $"select * from {FactorsName})",
        $"select * from {FactorsName} as f where exists (select 1 from {ScoresName} as c where c.run_id = $run and c.entity_type = f.entity_type and c.entity_id = f.entity_id))");

    private static string Narrow(string sql, string from, string to) =>
        sql.Contains(from, StringComparison.Ordinal)
            ? sql.Replace(from, to, StringComparison.Ordinal)
            : throw new InvalidOperationException($"sql/history/queries/score_changes.sql no longer reads '{from}'; update ScoreHistory.RecordChanges.");

    /// <summary>
    /// Drops the runs <paramref name="retention"/> no longer keeps from the history (scores, factors and their
    /// change rows), never run <paramref name="currentRunId"/>. Returns the runs dropped.
    /// </summary>
    public static int Prune(DbConnection connection, ScoreHistoryRetention retention, string currentRunId, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(retention);
        var dropped = new HashSet<string>(StringComparer.Ordinal);
        if (retention.Runs is { } runs)
        {
            dropped.UnionWith(connection.Query(
                $"""
                select run_id from (
                    select run_id, row_number() over (order by max(scored_at) desc, run_id desc) as newest
                    from {ScoresName} group by run_id) as ordered
                where newest > $keep
                """,
                r => r.GetString(0),
                ("keep", (long)runs)));
        }

        if (retention.Days is { } days)
        {
            dropped.UnionWith(connection.Query(
                $"select distinct run_id from {ScoresName} where scored_at < $cutoff",
                r => r.GetString(0),
                ("cutoff", nowUtc.AddDays(-days))));
        }

        dropped.Remove(currentRunId);
        foreach (var run in dropped)
        {
            foreach (var table in new[] { ScoresName, FactorsName, ChangesName })
            {
                connection.Execute($"delete from {table} where run_id = $run", ("run", run));
            }
        }

        return dropped.Count;
    }
}
