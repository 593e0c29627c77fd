using System.Data.Common;
using System.Globalization;
using GtmMart.Scoring.Registry;
using GtmMart.Serving;
using GtmMart.Serving.Drift;
using GtmMart.Serving.Monitoring;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Reporting;

/// <summary>
/// Runs the report queries against the warehouse on one short-lived connection and keeps their results as they come:
/// every number on the page is a value a query returned, never recomputed here, except the priority accounts' priority
/// and rank, which <see cref="PriorityAccountsRanking"/> adds with the formula the served ranking uses. A query that reads a score table
/// which does not exist yet (no write-back has run) is skipped and noted; any other missing relation means there is
/// no published mart and fails.
/// </summary>
public static class ReportDataReader
{
    /// <summary>The relations written by score write-back rather than the build.</summary>
    public static readonly IReadOnlySet<string> ScoreRelations = new HashSet<string>(StringComparer.Ordinal)
    {
        $"{ScoreTables.Schema}.{ScoreTables.Opportunities}",
        $"{ScoreTables.Schema}.{ScoreTables.Accounts}",
        $"{ScoreTables.Schema}.{ScoreTables.History}",
        $"{ScoreTables.RunsSchema}.{ScoreTables.Runs}",
        FeatureDriftTable.QualifiedName,
        "mart.mrt_score_changes",
    };

    /// <summary>The relations the build derives from the score history (realized accuracy): missing before a build that follows a write-back.</summary>
    public static readonly IReadOnlySet<string> AccuracyRelations = new HashSet<string>(StringComparer.Ordinal)
    {
        "mart.mrt_model_performance",
        "mart.mrt_model_performance_bands",
    };

    public static ReportData Read(IWarehouse warehouse, string reportSqlDirectory, ModelRegistry? registry, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        var queries = ReportQuery.LoadAll(reportSqlDirectory);
        var datasets = new Dictionary<string, ReportDataset>(StringComparer.Ordinal);
        var unavailable = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var connection = warehouse.Open())
        {
            var existing = ExistingRelations(connection);
            if (existing.Contains($"{ScoreTables.RunsSchema}.{ScoreTables.Runs}"))
            {
                // A ledger written before the trust columns existed gets them (null for its old runs).
                ScoreTables.Ensure(connection);
            }

            foreach (var query in queries)
            {
                var missing = query.Relations.Where(r => !existing.Contains(r)).ToList();
                if (missing.Count > 0 && missing.All(ScoreRelations.Contains))
                {
                    unavailable[query.Name] = $"no scores have been written back yet ({string.Join(", ", missing)} missing): run gtm score or gtm run";
                    continue;
                }

                if (missing.Count > 0 && missing.All(r => ScoreRelations.Contains(r) || AccuracyRelations.Contains(r)))
                {
                    unavailable[query.Name] = $"realized accuracy is not in this mart yet ({string.Join(", ", missing)} missing): run gtm score, then gtm build after the next load";
                    continue;
                }

                if (missing.Count > 0)
                {
                    throw new WarehouseException(
                        $"{warehouse.DisplayName} has no published mart for the report ({string.Join(", ", missing)} missing, read by {query.Path}): run gtm build first.");
                }

                var dataset = Run(connection, query);
                datasets[query.Name] = query.Name == PriorityAccountsRanking.Dataset ? PriorityAccountsRanking.Rank(dataset) : dataset;
            }
        }

        var (models, note) = ActiveModels(registry);
        return new ReportData
        {
            GeneratedAtUtc = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime,
            Warehouse = warehouse.DisplayName,
            Datasets = datasets,
            Unavailable = unavailable,
            Models = models,
            ModelsNote = note,
        };
    }

    private static HashSet<string> ExistingRelations(DbConnection connection) =>
        connection.Query(
                "select lower(table_schema), lower(table_name) from information_schema.tables",
                r => $"{r.GetString(0)}.{r.GetString(1)}")
            .ToHashSet(StringComparer.Ordinal);

    private static ReportDataset Run(DbConnection connection, ReportQuery query)
    {
        try
        {
            using var command = connection.Command(query.Sql);
            using var reader = command.ExecuteReader();
            var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
            var dateColumns = Enumerable.Range(0, reader.FieldCount)
                .Select(i => reader.GetDataTypeName(i).Equals("Date", StringComparison.OrdinalIgnoreCase))
                .ToArray();
            var rows = new List<object?[]>();
            while (reader.Read())
            {
                var row = new object?[columns.Count];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : Plain(reader.GetValue(i), dateColumns[i]);
                }

                rows.Add(row);
            }

            return new ReportDataset(columns, rows);
        }
        catch (DbException ex)
        {
            throw new WarehouseException($"report query {query.Path} failed: {ex.Message.Split('\n')[0].Trim()}", ex);
        }
    }

    /// <summary>A JSON-ready value: numbers stay numbers (non-finite doubles become null), dates ISO strings.</summary>
    private static object? Plain(object value, bool isDate) => value switch
    {
        bool or string or decimal or long or int => value,
        double d => double.IsFinite(d) ? d : null,
        float f => float.IsFinite(f) ? (double)f : null,
        short or byte or sbyte or ushort or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ulong u => (decimal)u,
        System.Numerics.BigInteger big => (decimal)big,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime d when isDate => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static ModelSummary Summary(ModelVersion v) => new(
        v.Model,
        v.Version,
        v.Card.Algorithm,
        v.Card.CreatedAtUtc,
        v.Card.SourceBuildId,
        v.Card.Headline,
        v.Card.RowCounts.ToDictionary(kv => kv.Key, kv => kv.Value?.ToJsonString() ?? "", StringComparer.Ordinal),
        v.Card.Warnings)
    {
        Kind = TrustLabels.Kind(v.Card),
        Trust = TrustLabels.Verdict(v.Card),
        TrustReason = v.Card.TrustReason,
        Tiers = TierMeanings(v.Card),
        CrossValidationAuc = ModelMonitor.CrossValidationAuc(v.Card, v.Model),
    };

    /// <summary>What each ICP tier means, from an ICP card's <c>metrics.tiers</c> (none for other cards).</summary>
    private static List<string> TierMeanings(ModelCard card) =>
        card.Metrics["tiers"] is System.Text.Json.Nodes.JsonArray tiers
            ? [.. tiers.Select(t => t?["label"]?.GetValue<string>()).OfType<string>()]
            : [];

    private static (IReadOnlyList<ModelSummary> Models, string? Note) ActiveModels(ModelRegistry? registry)
    {
        if (registry is null)
        {
            return ([], "no model registry was given");
        }

        if (!Directory.Exists(registry.Root))
        {
            return ([], $"no model registry at {registry.Root}: run gtm train or gtm run");
        }

        var active = registry.Models().Select(registry.Active).OfType<ModelVersion>().ToList();
        var models = active.Select(Summary).ToList();
        return (models, models.Count == 0 ? $"no active model in {registry.Root}: run gtm train or gtm run" : null);
    }
}
