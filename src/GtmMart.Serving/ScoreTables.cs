using System.Data.Common;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Serving;

/// <summary>
/// The written-back score tables. They are tables in the <c>mart</c> schema beside the published views
/// (<see cref="MartBuilder"/> repoints and drops only views there, never tables), plus the run ledger in
/// <c>gtm_meta</c>. No primary-key constraints: each run deletes and re-inserts the same keys in one transaction, and
/// the write-back itself guarantees one row per entity.
/// </summary>
public static class ScoreTables
{
    public const string Schema = "mart";
    public const string Opportunities = "mrt_opportunity_scores";
    public const string Accounts = "mrt_account_scores";
    public const string History = "mrt_score_history_daily";
    public const string RunsSchema = BuildMetadata.Schema;
    public const string Runs = "score_runs";

    /// <summary>Columns of <see cref="Opportunities"/> in table order.</summary>
    public static readonly IReadOnlyList<string> OpportunityColumns =
        ["opportunity_id", "score", "probability", "top_factors", "model_name", "model_version", "run_id", "scored_at"];

    /// <summary>Columns of <see cref="Accounts"/> in table order.</summary>
    public static readonly IReadOnlyList<string> AccountColumns =
        ["account_id", "fit_score", "tier", "segment", "behaviour_score", "top_factors", "model_name", "model_version", "run_id", "scored_at"];

    /// <summary>Columns of <see cref="History"/> in table order.</summary>
    public static readonly IReadOnlyList<string> HistoryColumns =
        ["score_date", "entity_type", "entity_id", "score", "tier", "model_version", "run_id"];

    /// <summary>
    /// Columns of <see cref="Runs"/> added after its first release (a ledger created before them gets them added):
    /// what produced each side's scores (model, baseline or none) and the trust verdict with its reason.
    /// </summary>
    public static readonly IReadOnlyList<string> RunTrustColumns =
        ["opportunity_model_kind", "opportunity_trust", "opportunity_trust_reason", "icp_model_kind", "icp_trust", "icp_trust_reason"];

    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    public static void Ensure(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Execute($"create schema if not exists {Schema}");
        connection.Execute($"create schema if not exists {RunsSchema}");
        connection.Execute(
            $"""
            create table if not exists {Schema}.{Opportunities} (
                opportunity_id varchar not null,
                score integer not null,
                probability double not null,
                top_factors varchar not null,
                model_name varchar not null,
                model_version varchar not null,
                run_id varchar not null,
                scored_at timestamp not null)
            """);
        connection.Execute(
            $"""
            create table if not exists {Schema}.{Accounts} (
                account_id varchar not null,
                fit_score double not null,
                tier varchar not null,
                segment varchar not null,
                behaviour_score double not null,
                top_factors varchar not null,
                model_name varchar not null,
                model_version varchar not null,
                run_id varchar not null,
                scored_at timestamp not null)
            """);
        connection.Execute(
            $"""
            create table if not exists {Schema}.{History} (
                score_date date not null,
                entity_type varchar not null,
                entity_id varchar not null,
                score double not null,
                tier varchar,
                model_version varchar not null,
                run_id varchar not null)
            """);
        connection.Execute(
            $"""
            create table if not exists {RunsSchema}.{Runs} (
                run_id varchar not null,
                status varchar not null,
                started_at timestamp not null,
                finished_at timestamp,
                scored_at timestamp,
                opportunities bigint,
                accounts bigint,
                opportunity_model varchar,
                opportunity_model_version varchar,
                icp_model varchar,
                icp_model_version varchar,
                feature_build_id bigint,
                message varchar)
            """);
        foreach (var column in RunTrustColumns)
        {
            connection.Execute($"alter table {RunsSchema}.{Runs} add if not exists {column} varchar");
        }
    }
}
