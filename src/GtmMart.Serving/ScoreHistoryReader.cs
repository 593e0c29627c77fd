using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.History;

namespace GtmMart.Serving;

/// <summary>One reason of a kept score (an element of its <c>top_factors</c>).</summary>
public sealed record HistoryReason(string? Family, string Direction, string Text, double? Contribution);

/// <summary>One run's score of an entity, from <c>history.scores</c>.</summary>
public sealed record ScoreHistoryEntry(
    string RunId, DateTime ScoredAtUtc, double Score, double? Probability, string? Tier, string ModelName, string ModelVersion, IReadOnlyList<HistoryReason> Reasons);

/// <summary>One row of <c>mart.mrt_score_changes</c>.</summary>
public sealed record ScoreChangeRow(
    string EntityType, string EntityId, string RunId, string PreviousRunId, DateTime ScoredAtUtc, DateTime PreviousScoredAtUtc,
    double PreviousScore, double Score, double Delta, string? PreviousTier, string? Tier, string ModelName, string ModelVersion,
    string PreviousModelVersion, IReadOnlyList<(string Family, double Change)> MovedFamilies);

/// <summary>A page of score changes, with the total across pages.</summary>
public sealed record ScoreChangePage(IReadOnlyList<ScoreChangeRow> Changes, long Total, long Offset, string LatestRunId);

/// <summary>
/// Reads the score history and the changes between runs on a short-lived connection (the write-back's single-writer
/// rule still holds: reads take no write lock). Before the first write-back the tables do not exist: empty answers.
/// </summary>
public sealed class ScoreHistoryReader(IWarehouse warehouse)
{
    public const string Opportunity = "opportunity";
    public const string Account = "account";

    /// <summary>The entity's kept runs, newest first, at most <paramref name="maxRuns"/>.</summary>
    public IReadOnlyList<ScoreHistoryEntry> History(string entityType, string entityId, int maxRuns)
    {
        using var connection = warehouse.Open();
        if (!WarehouseReadiness.TableExists(connection, ScoreHistory.Schema, ScoreHistory.Scores))
        {
            return [];
        }

        return connection.Query(
            $"""
            select run_id, scored_at, score, probability, tier, model_name, model_version, top_factors
            from {ScoreHistory.ScoresName} where entity_type = $type and entity_id = $id
            order by scored_at desc, run_id desc limit $limit
            """,
            r => new ScoreHistoryEntry(
                r.GetString(0), Utc(r.GetDateTime(1)), Convert.ToDouble(r.GetValue(2), CultureInfo.InvariantCulture),
                r.IsDBNull(3) ? null : Convert.ToDouble(r.GetValue(3), CultureInfo.InvariantCulture), r.NullableString(4),
                r.GetString(5), r.GetString(6), Reasons(r.GetString(7))),
            ("type", entityType), ("id", entityId), ("limit", (long)maxRuns));
    }

    /// <summary>True when <paramref name="runId"/> is a run kept in <c>history.scores</c>.</summary>
    public bool IsKeptRun(string runId)
    {
        using var connection = warehouse.Open();
        return WarehouseReadiness.TableExists(connection, ScoreHistory.Schema, ScoreHistory.Scores)
            && connection.Scalar<long>($"select count(*) from (select run_id from {ScoreHistory.ScoresName} where run_id = $run limit 1) as r", ("run", runId)) > 0;
    }

    /// <summary>The newest run kept in <c>history.scores</c> ("" before the first write-back).</summary>
    public string LatestRunId()
    {
        using var connection = warehouse.Open();
        return WarehouseReadiness.TableExists(connection, ScoreHistory.Schema, ScoreHistory.Scores) ? LatestRunId(connection) : "";
    }

    private static string LatestRunId(DbConnection connection) =>
        connection.Query(
            $"select run_id from {ScoreHistory.ScoresName} group by run_id order by max(scored_at) desc, run_id desc limit 1",
            r => r.GetString(0)).FirstOrDefault() ?? "";

    /// <summary>
    /// The changes of the runs after <paramref name="sinceRunId"/> (null: the latest run's), with |delta| at least
    /// <paramref name="minDelta"/>, of <paramref name="entityType"/> (null: both); largest |delta| first, then by run,
    /// type and id, from <paramref name="offset"/>.
    /// </summary>
    public ScoreChangePage Changes(string? sinceRunId, double minDelta, string? entityType, long offset, int pageSize)
    {
        using var connection = warehouse.Open();
        if (!WarehouseReadiness.TableExists(connection, ScoreHistory.Schema, ScoreHistory.Scores))
        {
            return new ScoreChangePage([], 0, offset, "");
        }

        var latest = LatestRunId(connection);
        var runs = sinceRunId is null
            ? "c.run_id = $latest"
            : $"c.scored_at > (select max(scored_at) from {ScoreHistory.ScoresName} where run_id = $since)";
        var filter = $"{runs} and abs(c.delta) >= $min and ($type = '' or c.entity_type = $type)";
        (string, object?)[] parameters = [("latest", latest), ("since", sinceRunId ?? ""), ("min", minDelta), ("type", entityType ?? "")];
        var total = connection.Scalar<long>($"select count(*) from {ScoreHistory.ChangesName} as c where {filter}", parameters);
        var rows = connection.Query(
            $"""
            select entity_type, entity_id, run_id, previous_run_id, scored_at, previous_scored_at, previous_score, score, delta,
                   previous_tier, tier, model_name, model_version, previous_model_version,
                   moved_family_1, moved_contribution_1, moved_family_2, moved_contribution_2, moved_family_3, moved_contribution_3
            from {ScoreHistory.ChangesName} as c where {filter}
            order by abs(c.delta) desc, c.scored_at desc, c.entity_type, c.entity_id limit $limit offset $offset
            """,
            Change,
            [.. parameters, ("limit", (long)pageSize), ("offset", offset)]);
        return new ScoreChangePage(rows, total, offset, latest);
    }

    private static ScoreChangeRow Change(DbDataReader r)
    {
        var moved = new List<(string, double)>(3);
        for (var i = 14; i < 20; i += 2)
        {
            if (!r.IsDBNull(i))
            {
                moved.Add((r.GetString(i), Convert.ToDouble(r.GetValue(i + 1), CultureInfo.InvariantCulture)));
            }
        }

        return new ScoreChangeRow(
            r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Utc(r.GetDateTime(4)), Utc(r.GetDateTime(5)),
            D(r, 6), D(r, 7), D(r, 8), r.NullableString(9), r.NullableString(10), r.GetString(11), r.GetString(12), r.GetString(13), moved);
    }

    /// <summary>The <c>top_factors</c> JSON the write-back writes (family and contribution only where the reason has them).</summary>
    public static IReadOnlyList<HistoryReason> Reasons(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(e => new HistoryReason(
            e.TryGetProperty("family", out var family) ? family.GetString() : null,
            e.GetProperty("direction").GetString() ?? "",
            e.GetProperty("text").GetString() ?? "",
            e.TryGetProperty("contribution", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetDouble() : null))];
    }

    private static double D(DbDataReader r, int i) => Convert.ToDouble(r.GetValue(i), CultureInfo.InvariantCulture);

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
