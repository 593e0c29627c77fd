using System.Data.Common;
using GtmMart.Warehouse.Tables;

namespace GtmMart.Warehouse.History;

/// <summary>
/// The history tables, declared in <c>sql/history</c> (one <c>create table if not exists</c> file each, their data
/// tests in <c>_tables.yml</c>; built into this assembly): <c>history.opportunity_snapshots</c> (written by loads,
/// <see cref="OpportunityHistory"/>), <c>history.scores</c>, <c>history.score_factors</c> and
/// <c>mart.mrt_score_changes</c> (written by the score write-back, <see cref="ScoreHistory"/>). Builds never replace
/// them (the <c>history</c> schema is not a build layer; <c>mart.mrt_score_changes</c> is a table beside the published
/// views, which a build repoints and drops only as views).
/// </summary>
public static class HistoryTables
{
    public const string Schema = "history";

    /// <summary>Where the declarations come from, as the repository names them.</summary>
    public const string Folder = "sql/history";

    /// <summary>The declarations and their data tests.</summary>
    public static DeclaredTableSet Set { get; } = new(
        typeof(HistoryTables).Assembly,
        "GtmMart.Warehouse.history",
        Folder,
        [(Schema, "opportunity_snapshots"), (Schema, "scores"), (Schema, "score_factors"), ("mart", "mrt_score_changes")]);

    public static DeclaredTable Snapshots { get; } = Set[Schema, "opportunity_snapshots"];

    public static DeclaredTable Scores { get; } = Set[Schema, "scores"];

    public static DeclaredTable Factors { get; } = Set[Schema, "score_factors"];

    public static DeclaredTable Changes { get; } = Set["mart", "mrt_score_changes"];

    /// <summary>Creates every history table that is missing (DDL: outside transactions).</summary>
    public static void Ensure(DbConnection connection) => Set.Ensure(connection);
}
