using System.Data.Common;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using GtmMart.Scoring.Drift;
using GtmMart.Scoring.Registry;
using GtmMart.Serving.Drift;
using GtmMart.Warehouse;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Serving.Monitoring;

/// <summary>
/// Are the active models' scores still right? For each active model: realized accuracy by run and version
/// (<c>mart.mrt_model_performance</c>, built from the stage history), the latest write-back's drift
/// (<c>mart.mrt_feature_drift</c>) and a verdict:
/// <list type="bullet">
/// <item><b>retrain recommended</b> when the score's PSI in the latest run is above 0.25, or when the realized AUC of the
/// active version falls below the lower end of its model card's cross-validation 95% interval (judged on the run with
/// the most deals closed since, once at least <see cref="MinimumClosedPerClass"/> were won and as many lost);</item>
/// <item><b>not enough closed deals yet</b> when neither holds and no run has that many closed deals to judge by;</item>
/// <item><b>ok</b> otherwise.</item>
/// </list>
/// The ICP model's realized accuracy is not in <c>mrt_model_performance</c> (it holds opportunity scores), so its
/// verdict rests on its fit score's drift.
/// </summary>
public sealed class ModelMonitor(IWarehouse warehouse, ModelRegistry registry, TimeProvider? time = null)
{
    public const int MinimumClosedPerClass = 10;
    public const string PerformanceTable = "mart.mrt_model_performance";

    public static readonly string Rules = string.Create(
        CultureInfo.InvariantCulture,
        $"retrain recommended when the score's PSI in the latest run is above {PopulationStability.SignificantAbove} or the active version's realized AUC (on the run with the most deals closed since, at least {MinimumClosedPerClass} won and {MinimumClosedPerClass} lost) is below its model card's CV AUC 95% interval; PSI below {PopulationStability.ModerateFrom} stable, {PopulationStability.ModerateFrom}-{PopulationStability.SignificantAbove} moderate, above {PopulationStability.SignificantAbove} significant; {PopulationStability.SmallSampleRule}");

    private readonly TimeProvider clock = time ?? TimeProvider.System;

    /// <summary>Checks every active model; a <see cref="WarehouseException"/> with one line when there is nothing to check.</summary>
    public MonitorReport Check()
    {
        WarehouseReadiness.RequireExists(warehouse);
        var active = registry.Models().Select(registry.Active).OfType<ModelVersion>().ToList();
        if (active.Count == 0)
        {
            throw new WarehouseException($"No active model in {registry.Root}: train one first (gtm train), or point --models at the registry.");
        }

        using var connection = warehouse.Open();
        if (!WarehouseReadiness.TableExists(connection, ScoreTables.RunsSchema, ScoreTables.Runs)
            || connection.Scalar<long>($"select count(*) from {ScoreTables.RunsSchema}.{ScoreTables.Runs} where status = $ok", ("ok", ScoreTables.Succeeded)) == 0)
        {
            throw new WarehouseException($"No score write-back in {warehouse.DisplayName} yet: score first (gtm score), then build after the next load to measure realized accuracy.");
        }

        var hasPerformance = WarehouseReadiness.TableExists(connection, "mart", "mrt_model_performance");
        var hasDrift = WarehouseReadiness.TableExists(connection, FeatureDriftTable.Schema, FeatureDriftTable.Table);
        var models = active.Select(v => Check(connection, v, hasPerformance, hasDrift)).ToList();
        return new MonitorReport(warehouse.DisplayName, registry.Root, clock.GetUtcNow().UtcDateTime, models);
    }

    private static ModelHealth Check(DbConnection connection, ModelVersion version, bool hasPerformance, bool hasDrift)
    {
        var isOpportunity = version.Model == ModelSet.OpportunityModelName;
        var cv = CrossValidationAuc(version.Card, version.Model);
        var latestRun = connection.Query(
            $"""
            select run_id from {ScoreTables.RunsSchema}.{ScoreTables.Runs}
            where status = $ok and {(isOpportunity ? "opportunity_model" : "icp_model")} = $model
              and {(isOpportunity ? "opportunities" : "accounts")} > 0
            order by scored_at desc, run_id desc
            """,
            r => r.GetString(0),
            ("ok", ScoreTables.Succeeded), ("model", version.Model)).FirstOrDefault();

        var (accuracy, accuracyNote) = !hasPerformance
            ? ([], $"{PerformanceTable} is not in the mart: build the mart (gtm build) after a write-back to measure realized accuracy")
            : Accuracy(connection, version.Model);
        if (hasPerformance && accuracy.Count == 0)
        {
            accuracyNote = isOpportunity
                ? "no scoring run of this model is in the stage history yet: build the mart (gtm build) after a write-back"
                : $"realized accuracy is measured for opportunity scores only ({PerformanceTable})";
        }

        var (drift, driftNote) = latestRun is null
            ? ([], "no write-back has scored with this model yet")
            : !hasDrift
                ? ([], $"no drift was measured ({FeatureDriftTable.QualifiedName} does not exist): score with a version trained with a drift reference")
                : Drift(connection, version.Model, latestRun);
        var (verdict, reasons) = Verdict(version, isOpportunity, cv, accuracy, drift, driftNote);
        return new ModelHealth(
            version.Model, version.Version, TrustLabels.Kind(version.Card), cv, latestRun, accuracy, accuracyNote, drift, driftNote, verdict, reasons);
    }

    private static (string, IReadOnlyList<string>) Verdict(
        ModelVersion version, bool isOpportunity, AucInterval? cv, IReadOnlyList<RunAccuracy> accuracy, IReadOnlyList<DriftFlag> drift, string? driftNote)
    {
        var retrain = new List<string>();
        var notes = new List<string>();
        var score = drift.FirstOrDefault(d => d.Kind == "score");
        if (score is not null && score.Psi > PopulationStability.SignificantAbove)
        {
            retrain.Add(F($"the score's distribution moved: PSI {score.Psi:0.000} against the training reference (above {PopulationStability.SignificantAbove})"));
        }
        else if (score is not null)
        {
            notes.Add(F($"score PSI {score.Psi:0.000} ({score.Reading})"));
        }
        else if (driftNote is not null)
        {
            notes.Add(driftNote);
        }

        var judged = accuracy
            .Where(a => a.ModelVersion == version.Version && a.RealizedAuc is not null && a.WonSince >= MinimumClosedPerClass && a.LostSince >= MinimumClosedPerClass)
            .OrderByDescending(a => a.ClosedSince).ThenByDescending(a => a.ScoredAt)
            .FirstOrDefault();
        if (judged is not null && cv is not null && judged.RealizedAuc < cv.Lower)
        {
            retrain.Add(F($"realized AUC {judged.RealizedAuc:0.000} (run {judged.RunId}, {judged.ClosedSince} deals closed since) is below the model card's CV interval {cv.Lower:0.000}-{cv.Upper:0.000}"));
        }
        else if (judged is not null && cv is not null)
        {
            notes.Add(F($"realized AUC {judged.RealizedAuc:0.000} (run {judged.RunId}, {judged.ClosedSince} deals closed since) within or above the CV interval {cv.Lower:0.000}-{cv.Upper:0.000}"));
        }
        else if (judged is not null)
        {
            notes.Add(F($"realized AUC {judged.RealizedAuc:0.000} (run {judged.RunId}); the {TrustLabels.Kind(version.Card)} has no CV interval to compare with"));
        }

        if (retrain.Count > 0)
        {
            return (Verdicts.Retrain, retrain);
        }

        if (isOpportunity && judged is null)
        {
            var best = accuracy.Where(a => a.ModelVersion == version.Version).OrderByDescending(a => a.ClosedSince).FirstOrDefault();
            notes.Insert(0, best is null
                ? F($"no deal scored by {version.Version} has closed yet (needs {MinimumClosedPerClass} won and {MinimumClosedPerClass} lost)")
                : F($"{best.WonSince} won and {best.LostSince} lost since run {best.RunId} (needs {MinimumClosedPerClass} of each)"));
            return (Verdicts.NotEnoughClosed, notes);
        }

        return (Verdicts.Ok, notes);
    }

    private static (IReadOnlyList<RunAccuracy>, string?) Accuracy(DbConnection connection, string model) =>
        (connection.Query(
            $"""
            select run_id, model_version, scored_at, scored, closed_since, won_since,
                   realized_auc, realized_auc_low, realized_auc_high, brier, calibration_error
            from {PerformanceTable}
            where model_name = $model
            order by scored_at, run_id
            """,
            r => new RunAccuracy(
                r.GetString(0), r.GetString(1), r.GetDateTime(2), Long(r, 3), Long(r, 4), Long(r, 5),
                Double(r, 6), Double(r, 7), Double(r, 8), Double(r, 9), Double(r, 10)),
            ("model", model)), null);

    private static (IReadOnlyList<DriftFlag>, string?) Drift(DbConnection connection, string model, string runId)
    {
        var rows = connection.Query(
            $"""
            select feature, kind, psi, reading, sample_size, note
            from {FeatureDriftTable.QualifiedName}
            where run_id = $run and model_name = $model
            order by case when kind = 'score' then 0 else 1 end, psi desc, feature
            """,
            r => new DriftFlag(r.GetString(0), r.GetString(1), r.GetDouble(2), r.GetString(3), Long(r, 4), r.IsDBNull(5) ? null : r.GetString(5)),
            ("run", runId), ("model", model));
        return (rows, rows.Count == 0 ? $"run {runId} measured no drift for this model (its version has no drift reference: retrain to keep one)" : null);
    }

    /// <summary>The card's cross-validation AUC interval (opportunity: <c>metrics.cross_validation.auc</c>; ICP: <c>metrics.fit_cross_validation_auc</c>), or null (baselines).</summary>
    public static AucInterval? CrossValidationAuc(ModelCard card, string model)
    {
        ArgumentNullException.ThrowIfNull(card);
        var node = model == ModelSet.OpportunityModelName ? card.Metrics["cross_validation"]?["auc"] : card.Metrics["fit_cross_validation_auc"];
        return node is JsonObject o && Number(o["mean"]) is { } mean && Number(o["lower"]) is { } lower && Number(o["upper"]) is { } upper
            ? new AucInterval(mean, lower, upper)
            : null;
    }

    private static double? Number(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<double>(out var d) && double.IsFinite(d) ? d : null;

    /// <summary>A count as a long: DuckDB's sum() of integers is a HUGEINT, which the driver returns as a BigInteger.</summary>
    private static long Long(DbDataReader r, int i) => r.IsDBNull(i) ? 0 : r.GetValue(i) switch
    {
        BigInteger big => (long)big,
        var value => Convert.ToInt64(value, CultureInfo.InvariantCulture),
    };

    private static double? Double(DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToDouble(r.GetValue(i), CultureInfo.InvariantCulture);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
