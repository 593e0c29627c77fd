using System.Data.Common;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Testing;

/// <summary>A source's newest date against the thresholds: <c>ok</c>, <c>warn</c> or <c>error</c>.</summary>
public sealed record FreshnessResult(string Source, string Column, DateOnly? Newest, int? AgeDays, string Status)
{
    public string Describe() => Newest is null
        ? $"{Source}: no rows ({Status})"
        : $"{Source}: newest {Column} {Newest:yyyy-MM-dd}, {AgeDays} day(s) old ({Status})";
}

/// <summary>
/// Source freshness: each dated source's newest date against warn / error thresholds in days, relative to the run
/// date or an explicit as-of date. The build records the newest dates it published (<c>gtm_meta.source_freshness</c>,
/// read by the dashboard's header); <c>gtm test</c> checks what is loaded now.
/// </summary>
public static class SourceFreshness
{
    public const int DefaultWarnAfterDays = 2;
    public const int DefaultErrorAfterDays = 7;

    /// <summary>The dated sources and the column whose newest value says how fresh they are.</summary>
    public static readonly IReadOnlyList<(string Source, string Column)> Sources =
        [("ad_spend", "date"), ("web_analytics", "session_date"), ("salesforce_opportunities", "created_date")];

    public static IReadOnlyList<(string Source, string Column, DateOnly? Newest)> Measure(DbConnection connection) =>
        Sources.Select(s => (s.Source, s.Column, WarehouseReadiness.TableExists(connection, "raw", s.Source)
            ? connection.Scalar<DateTime?>($"select cast(max({s.Column}) as timestamp) from raw.{s.Source}") is { } d ? DateOnly.FromDateTime(d) : (DateOnly?)null
            : null)).ToList();

    public static IReadOnlyList<FreshnessResult> Check(DbConnection connection, DateOnly asOf, int warnAfterDays = DefaultWarnAfterDays, int errorAfterDays = DefaultErrorAfterDays) =>
        Measure(connection).Select(m =>
        {
            int? age = m.Newest is { } newest ? asOf.DayNumber - newest.DayNumber : null;
            var status = age is null ? "error" : age > errorAfterDays ? "error" : age > warnAfterDays ? "warn" : "ok";
            return new FreshnessResult(m.Source, m.Column, m.Newest, age, status);
        }).ToList();

    /// <summary>Records the newest dates build <paramref name="buildId"/> published.</summary>
    public static void Record(DbConnection connection, long buildId)
    {
        connection.Execute(
            $"create table if not exists {BuildMetadata.Schema}.source_freshness (build_id bigint not null, source varchar not null, date_column varchar not null, newest_date date)");
        foreach (var (source, column, newest) in Measure(connection))
        {
            connection.Execute(
                $"insert into {BuildMetadata.Schema}.source_freshness values ($build, $source, $column, $newest)",
                ("build", buildId), ("source", source), ("column", column), ("newest", newest?.ToDateTime(TimeOnly.MinValue)));
        }
    }
}
