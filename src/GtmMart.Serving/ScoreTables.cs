using System.Data.Common;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Tables;
using GtmMart.Warehouse.Testing;

namespace GtmMart.Serving;

/// <summary>
/// The written-back score tables, declared in <c>sql/scores</c> (one <c>create table if not exists</c> file each,
/// their data tests in <c>_tables.yml</c>; built into this assembly). The latest scores and the daily history are
/// tables in the <c>mart</c> schema beside the published views (<see cref="MartBuilder"/> repoints and drops only views
/// there, never tables), the run ledger is in <c>gtm_meta</c>. No primary-key constraints: each run deletes and
/// re-inserts the same keys in one transaction, and the data tests check the keys before it commits.
/// </summary>
public static class ScoreTables
{
    public const string Schema = "mart";
    public const string Opportunities = "mrt_opportunity_scores";
    public const string Accounts = "mrt_account_scores";
    public const string History = "mrt_score_history_daily";
    public const string Drift = "mrt_feature_drift";
    public const string RunsSchema = BuildMetadata.Schema;
    public const string Runs = "score_runs";

    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    /// <summary>Where the declarations come from, as the repository names them.</summary>
    public const string Folder = "sql/scores";

    /// <summary>The declarations and their data tests, built into this assembly.</summary>
    public static DeclaredTableSet Set { get; } = new(
        typeof(ScoreTables).Assembly, "GtmMart.Serving.scores", Folder, [(Schema, Opportunities), (Schema, Accounts), (Schema, History), (Schema, Drift), (RunsSchema, Runs)]);

    public static DeclaredTable OpportunityTable { get; } = Set[Schema, Opportunities];

    public static DeclaredTable AccountTable { get; } = Set[Schema, Accounts];

    public static DeclaredTable HistoryTable { get; } = Set[Schema, History];

    /// <summary>The drift of each run's scored populations against the training references (<see cref="Serving.Drift.FeatureDriftTable"/>).</summary>
    public static DeclaredTable DriftTable { get; } = Set[Schema, Drift];

    public static DeclaredTable RunTable { get; } = Set[RunsSchema, Runs];

    /// <summary>Every score table (the ledger last).</summary>
    public static IReadOnlyList<DeclaredTable> All => Set.All;

    /// <summary>The data tests declared for the score tables.</summary>
    public static IReadOnlyList<DataTest> DataTests => Set.DataTests;

    /// <summary>Columns of <see cref="Opportunities"/> in table order.</summary>
    public static IReadOnlyList<string> OpportunityColumns => OpportunityTable.ColumnNames;

    /// <summary>Columns of <see cref="Accounts"/> in table order.</summary>
    public static IReadOnlyList<string> AccountColumns => AccountTable.ColumnNames;

    /// <summary>Columns of <see cref="History"/> in table order.</summary>
    public static IReadOnlyList<string> HistoryColumns => HistoryTable.ColumnNames;

    /// <summary>Creates the score tables that are missing and adds the columns declared since an older release made them.</summary>
    public static void Ensure(DbConnection connection) => Set.Ensure(connection);

    /// <summary>The score tables that exist in the warehouse (none before the first write-back), by qualified name.</summary>
    public static IReadOnlySet<string> Existing(DbConnection connection) => Set.Existing(connection);

    /// <summary>The data tests of the score tables that exist (none before the first write-back).</summary>
    public static IReadOnlyList<DataTest> ExistingTests(DbConnection connection) => Set.ExistingTests(connection);

    /// <summary>Runs score table data tests (default: all) against what <paramref name="connection"/> sees (its open transaction included).</summary>
    public static IReadOnlyList<DataTestResult> Test(DbConnection connection, IReadOnlyList<DataTest>? tests = null, IProgress<DataTestResult>? progress = null) =>
        Set.Test(connection, tests, progress);
}
