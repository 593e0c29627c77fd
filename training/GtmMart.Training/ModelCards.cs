using System.Globalization;
using System.Text.Json.Nodes;
using GtmMart.Scoring.Baseline;
using GtmMart.Scoring.Registry;
using GtmMart.Training.Export;
using GtmMart.Training.Gate;
using GtmMart.Training.Icp;
using GtmMart.Training.Opportunity;

namespace GtmMart.Training;

/// <summary>The model cards training writes: opportunity scoring, its win-rate baseline, and the ICP model.</summary>
internal static class ModelCards
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static ModelCard Opportunity(OpportunityTrainingResult r, ExportManifest snapshot, TrainingConfig config, GroundTruthComparison? truth, GateDecision gate)
    {
        var metrics = new JsonObject
        {
            ["holdout"] = ModelCard.ToJson(r.Holdout),
            ["cross_validation"] = ModelCard.ToJson(r.CrossValidation),
            ["cross_validation_boosted"] = ModelCard.ToJson(r.BoostedCrossValidation),
            ["cross_validation_logistic_regression"] = ModelCard.ToJson(r.LogisticRegressionCrossValidation),
        };
        if (truth is not null)
        {
            metrics["ground_truth"] = ModelCard.ToJson(truth);
        }

        var headline = new Dictionary<string, string>
        {
            ["holdout AUC"] = F(r.Holdout.Auc),
            ["CV AUC"] = PromotionGate.Interval(r.CrossValidation.Auc),
            ["ECE"] = F(r.Holdout.Ece),
        };
        if (truth is not null)
        {
            headline["AUC / true-p AUC"] = F(truth.AucRatio);
        }

        return new ModelCard
        {
            Model = TrainingPipeline.OpportunityModel,
            CreatedAtUtc = DateTime.UtcNow,
            CodeVersion = TrainingPipeline.CodeVersion(),
            Algorithm = r.Algorithm,
            DataHash = snapshot.SnapshotHash,
            SourceWarehouse = snapshot.Source,
            SourceBuildId = snapshot.SourceBuildId,
            DataWindow = new JsonObject
            {
                ["train"] = ModelCard.ToJson(r.Train),
                ["holdout"] = ModelCard.ToJson(r.HoldoutWindow),
                ["refit_on_all_closed_rows"] = r.RefitOnAllClosedRows,
                [Champions.TrainedOnThroughKey] = Date(r.Metadata.TrainedOnThrough),
            },
            RowCounts = new JsonObject { ["won"] = r.Won, ["lost"] = r.Lost, ["open_not_used"] = r.OpenRowsIgnored },
            ClassBalance = new JsonObject { ["won_share"] = Math.Round((double)r.Won / Math.Max(1, r.Won + r.Lost), 4) },
            Features = r.FeaturesUsed,
            DroppedFeatures = new JsonObject(r.DroppedFeatures.Select(d => KeyValuePair.Create(d.Feature, (JsonNode?)ModelCard.ToJson(d)))),
            Hyperparameters = new JsonObject(r.Hyperparameters.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))) { ["algorithm_choice"] = r.AlgorithmReason, ["config"] = config.Name },
            Metrics = metrics,
            Warnings = r.Warnings,
            Headline = headline,
            Gate = gate,
            Reasons = ReasonsOf(r),
        };
    }

    /// <summary>The typical deal reasons are measured against, its rule, and the model's feature families.</summary>
    private static JsonObject ReasonsOf(OpportunityTrainingResult r)
    {
        var used = r.FeaturesUsed.ToHashSet(StringComparer.Ordinal);
        return new JsonObject
        {
            ["reference"] = Scoring.Opportunity.TypicalDeal.Rule,
            ["typical_deal"] = ModelCard.ToJson(r.Metadata.TypicalDeal),
            ["families"] = new JsonObject(r.Catalog.Families
                .Select(f => (f.Id, Features: r.Catalog.FamilyFeatures[f.Id].Where(x => used.Contains(x.Name)).Select(x => (JsonNode?)x.Name).ToArray()))
                .Where(f => f.Features.Length > 0)
                .Select(f => KeyValuePair.Create(f.Id, (JsonNode?)new JsonArray(f.Features)))),
        };
    }

    public static ModelCard OpportunityBaseline(WinRateBaseline baseline, IReadOnlyList<DateTime> closedCreated, ExportManifest snapshot, string why)
    {
        var overall = baseline.Overall;
        return new ModelCard
        {
            Model = TrainingPipeline.OpportunityModel,
            Kind = ModelKind.Baseline,
            CreatedAtUtc = DateTime.UtcNow,
            CodeVersion = TrainingPipeline.CodeVersion(),
            Algorithm = "historical win rate by channel (95% Wilson interval)",
            DataHash = snapshot.SnapshotHash,
            SourceWarehouse = snapshot.Source,
            SourceBuildId = snapshot.SourceBuildId,
            DataWindow = new JsonObject
            {
                ["closed_created_from"] = Date(closedCreated.Min()),
                [Champions.TrainedOnThroughKey] = Date(closedCreated.Max()),
            },
            RowCounts = new JsonObject { ["won"] = overall.Won, ["lost"] = overall.Closed - overall.Won },
            ClassBalance = new JsonObject { ["won_share"] = Math.Round(overall.Rate, 4) },
            Features = ["channel"],
            Hyperparameters = new JsonObject { ["minimum_deals_per_channel"] = baseline.MinimumDealsPerChannel },
            Metrics = new JsonObject
            {
                ["overall"] = ModelCard.ToJson(overall),
                ["channels"] = new JsonArray([.. baseline.Channels.Select(c => (JsonNode?)ModelCard.ToJson(c))]),
            },
            Warnings = [why],
            Headline = new Dictionary<string, string> { ["baseline win rate"] = overall.ToString() },
            BaselineDescription = baseline.Describe(),
        };
    }

    public static ModelCard Icp(IcpTrainingResult r, ExportManifest snapshot, TrainingConfig config, GateDecision? gate, string? baselineWhy)
    {
        var tiers = new JsonArray([.. r.TierWinRates.Select(t => (JsonNode?)ModelCard.ToJson(t))]);
        var holdoutTiers = new JsonArray([.. r.HoldoutTierWinRates.Select(t => (JsonNode?)ModelCard.ToJson(t))]);
        var winRate = r.TierWinRates.ToDictionary(t => t.Tier.ToString(), t => t.WinRate);
        var holdoutRate = r.HoldoutTierWinRates.ToDictionary(t => t.Tier.ToString(), t => t.WinRate);
        var baseline = !r.FitModelTrained;
        var options = config.Icp;
        var headline = new Dictionary<string, string>
        {
            ["fit AUC"] = F(r.HoldoutAuc),
            ["win rate A/B/C/D"] = string.Join(" / ", Tiers.Select(t => Percent(winRate.GetValueOrDefault(t)))),
        };
        if (!baseline)
        {
            headline["fit CV AUC"] = PromotionGate.Interval(r.CrossValidationAuc);
            headline["holdout win rate A/B/C/D"] = string.Join(" / ", Tiers.Select(t => Percent(holdoutRate.GetValueOrDefault(t))));
        }

        return new ModelCard
        {
            Model = TrainingPipeline.IcpModel,
            Kind = baseline ? ModelKind.Baseline : ModelKind.Model,
            CreatedAtUtc = DateTime.UtcNow,
            CodeVersion = TrainingPipeline.CodeVersion(),
            Algorithm = r.FitModelTrained ? "LbfgsLogisticRegression fit + KMeans segments" : "neutral fit (baseline) + KMeans segments",
            DataHash = snapshot.SnapshotHash,
            SourceWarehouse = snapshot.Source,
            SourceBuildId = snapshot.SourceBuildId,
            DataWindow = new JsonObject { ["as_of"] = "mart.mrt_account_features.as_of_date" },
            RowCounts = new JsonObject { ["accounts"] = r.Accounts, ["labelled_accounts"] = r.LabelledAccounts, ["positive_accounts"] = r.PositiveAccounts },
            ClassBalance = new JsonObject { ["positive_share_of_labelled"] = Math.Round((double)r.PositiveAccounts / Math.Max(1, r.LabelledAccounts), 4) },
            Features = [.. options.FitCategoricalFeatures, .. options.FitNumericFeatures],
            Hyperparameters = ModelCard.ToJson(options),
            Metrics = new JsonObject
            {
                ["fit_holdout_auc"] = Num(r.HoldoutAuc),
                ["fit_holdout_ece"] = Num(r.HoldoutEce),
                ["fit_cross_validation_auc"] = ModelCard.ToJson(r.CrossValidationAuc),
                ["tiers"] = new JsonArray([.. IcpTierMeaning.Describe(options).Select(t => (JsonNode?)ModelCard.ToJson(t))]),
                ["tier_win_rates"] = tiers,
                ["holdout_tier_win_rates"] = holdoutTiers,
                ["segments"] = new JsonArray([.. r.Segments.Select(s => (JsonNode?)ModelCard.ToJson(s))]),
            },
            Warnings = r.Warnings,
            Headline = headline,
            Gate = gate,
            BaselineDescription = baseline
                ? $"Baseline, not a model: {baselineWhy ?? "no firmographic fit model could be trained"}, so every account gets the neutral fit score {options.NeutralFitScore:0} (tier {options.NeutralTier}); behaviour scores and segments still describe the accounts."
                : null,
        };
    }

    private static readonly string[] Tiers = ["A", "B", "C", "D"];

    private static string Percent(double? rate) => rate is { } w ? w.ToString("P0", Inv).Replace(" %", "%", StringComparison.Ordinal) : "-";

    private static string Date(DateTime date) => date.ToString("yyyy-MM-dd", Inv);

    private static JsonValue? Num(double value) => double.IsFinite(value) ? JsonValue.Create(Math.Round(value, 4)) : null;

    private static string F(double value) => PromotionGate.F(value);
}
