using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using GtmMart.Scoring.Registry;
using GtmMart.Training.Export;
using GtmMart.Training.Icp;
using GtmMart.Training.Opportunity;

namespace GtmMart.Training;

public sealed record TrainingRun(
    ExportManifest Snapshot,
    OpportunityTrainingResult Opportunity,
    ModelVersion OpportunityVersion,
    IcpTrainingResult Icp,
    ModelVersion IcpVersion,
    GroundTruthComparison? GroundTruth);

/// <summary>
/// Training from a Parquet feature snapshot, never from the warehouse, so a run can be repeated from the snapshot
/// alone: verify the snapshot → train opportunity scoring → compare with ground truth (when given) → register →
/// train the ICP model → register.
/// </summary>
public static class TrainingPipeline
{
    public const string OpportunityModel = "opportunity-scoring";
    public const string IcpModel = "icp";

    public static TrainingRun Run(string snapshotDirectory, TrainingConfig config, ModelRegistry registry, string? groundTruthCsv = null, IProgress<string>? progress = null)
    {
        var snapshot = ExportManifest.Verify(snapshotDirectory);

        progress?.Report("training opportunity scoring");
        var opportunities = FeatureSnapshot.ReadOpportunities(snapshotDirectory);
        var opportunity = OpportunityModelTrainer.Train(opportunities, config.Opportunity, progress);
        var truth = groundTruthCsv is null ? null : GroundTruthComparison.Compare(groundTruthCsv, opportunity.HoldoutPredictions);
        var opportunityVersion = registry.Register(
            OpportunityCard(opportunity, snapshot, config, truth),
            dir => opportunity.Save(Path.Combine(dir, "model.zip")));

        progress?.Report("training the ideal customer profile");
        var accounts = FeatureSnapshot.ReadAccounts(snapshotDirectory);
        var icp = IcpModelTrainer.Train(accounts, config.Icp, progress);
        var icpVersion = registry.Register(IcpCard(icp, snapshot, config), icp.Save);

        return new TrainingRun(snapshot, opportunity, opportunityVersion, icp, icpVersion, truth);
    }

    public static string CodeVersion() =>
        Environment.GetEnvironmentVariable("GTM_CODE_VERSION")
        ?? typeof(TrainingPipeline).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? "unknown";

    private static ModelCard OpportunityCard(OpportunityTrainingResult r, ExportManifest snapshot, TrainingConfig config, GroundTruthComparison? truth)
    {
        var metrics = new JsonObject
        {
            ["holdout"] = ModelCard.ToJson(r.Holdout),
            ["cross_validation"] = ModelCard.ToJson(r.CrossValidation),
            ["cross_validation_fast_tree"] = ModelCard.ToJson(r.FastTreeCrossValidation),
            ["cross_validation_logistic_regression"] = ModelCard.ToJson(r.LogisticRegressionCrossValidation),
        };
        if (truth is not null)
        {
            metrics["ground_truth"] = ModelCard.ToJson(truth);
        }

        var headline = new Dictionary<string, string>
        {
            ["holdout AUC"] = F(r.Holdout.Auc),
            ["CV AUC"] = $"{F(r.CrossValidation.Auc.Mean)} [{F(r.CrossValidation.Auc.Lower)}, {F(r.CrossValidation.Auc.Upper)}]",
            ["ECE"] = F(r.Holdout.Ece),
        };
        if (truth is not null)
        {
            headline["AUC / true-p AUC"] = F(truth.AucRatio);
        }

        return new ModelCard
        {
            Model = OpportunityModel,
            CreatedAtUtc = DateTime.UtcNow,
            CodeVersion = CodeVersion(),
            Algorithm = r.Algorithm,
            DataHash = snapshot.SnapshotHash,
            SourceBuildId = snapshot.SourceBuildId,
            DataWindow = new JsonObject { ["train"] = ModelCard.ToJson(r.Train), ["holdout"] = ModelCard.ToJson(r.HoldoutWindow), ["refit_on_all_closed_rows"] = r.RefitOnAllClosedRows },
            RowCounts = new JsonObject { ["won"] = r.Won, ["lost"] = r.Lost, ["open_not_used"] = r.OpenRowsIgnored },
            ClassBalance = new JsonObject { ["won_share"] = Math.Round((double)r.Won / Math.Max(1, r.Won + r.Lost), 4) },
            Features = r.FeaturesUsed,
            DroppedFeatures = new JsonObject(r.DroppedFeatures.Select(d => KeyValuePair.Create(d.Feature, (JsonNode?)ModelCard.ToJson(d)))),
            Hyperparameters = new JsonObject(r.Hyperparameters.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))) { ["algorithm_choice"] = r.AlgorithmReason, ["config"] = config.Name },
            Metrics = metrics,
            Warnings = r.Warnings,
            Headline = headline,
        };
    }

    private static ModelCard IcpCard(IcpTrainingResult r, ExportManifest snapshot, TrainingConfig config)
    {
        var tiers = new JsonArray(r.TierWinRates.Select(t => (JsonNode?)ModelCard.ToJson(t)).ToArray());
        var holdoutTiers = new JsonArray(r.HoldoutTierWinRates.Select(t => (JsonNode?)ModelCard.ToJson(t)).ToArray());
        var winRate = r.TierWinRates.ToDictionary(t => t.Tier.ToString(), t => t.WinRate);
        return new ModelCard
        {
            Model = IcpModel,
            CreatedAtUtc = DateTime.UtcNow,
            CodeVersion = CodeVersion(),
            Algorithm = r.FitModelTrained ? "LbfgsLogisticRegression fit + KMeans segments" : "neutral fit (not trainable) + KMeans segments",
            DataHash = snapshot.SnapshotHash,
            SourceBuildId = snapshot.SourceBuildId,
            DataWindow = new JsonObject { ["as_of"] = "mart.mrt_account_features.as_of_date" },
            RowCounts = new JsonObject { ["accounts"] = r.Accounts, ["labelled_accounts"] = r.LabelledAccounts, ["positive_accounts"] = r.PositiveAccounts },
            ClassBalance = new JsonObject { ["positive_share_of_labelled"] = Math.Round((double)r.PositiveAccounts / Math.Max(1, r.LabelledAccounts), 4) },
            Features = [.. config.Icp.FitCategoricalFeatures, .. config.Icp.FitNumericFeatures],
            Hyperparameters = ModelCard.ToJson(config.Icp),
            Metrics = new JsonObject
            {
                ["fit_holdout_auc"] = Num(r.HoldoutAuc),
                ["fit_cross_validation_auc"] = Num(r.CrossValidationAuc),
                ["tier_win_rates"] = tiers,
                ["holdout_tier_win_rates"] = holdoutTiers,
                ["segments"] = new JsonArray(r.Segments.Select(s => (JsonNode?)ModelCard.ToJson(s)).ToArray()),
            },
            Warnings = r.Warnings,
            Headline = new Dictionary<string, string>
            {
                ["fit AUC"] = F(r.HoldoutAuc),
                ["win rate A/B/C/D"] = string.Join(" / ", Tiers.Select(t => winRate.GetValueOrDefault(t) is { } w ? w.ToString("P0", CultureInfo.InvariantCulture) : "-")),
            },
        };
    }

    private static readonly string[] Tiers = ["A", "B", "C", "D"];

    private static JsonValue? Num(double value) => double.IsFinite(value) ? JsonValue.Create(Math.Round(value, 4)) : null;

    private static string F(double value) => double.IsFinite(value) ? value.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
}
