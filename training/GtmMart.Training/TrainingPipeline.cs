using System.Reflection;
using GtmMart.Scoring.Baseline;
using GtmMart.Scoring.Registry;
using GtmMart.Training.Export;
using GtmMart.Training.Gate;
using GtmMart.Training.Icp;
using GtmMart.Training.Opportunity;

namespace GtmMart.Training;

/// <summary>
/// What training did for one model: the version it trained and registered (null when the data could not train one:
/// <see cref="NotTrained"/> says why), the gate's decision on it, whether it became active, the baseline registered
/// because nothing trustworthy was active, and the version active afterwards.
/// </summary>
public sealed record ModelOutcome(
    string Model,
    ModelVersion? Candidate,
    bool Activated,
    ModelVersion? Baseline,
    ModelVersion? ActiveAfter,
    string? NotTrained)
{
    public GateDecision? Decision => Candidate?.Card.Gate;
}

/// <summary>A training run: per model, the training result (null when the data could not train one) and the outcome.</summary>
public sealed record TrainingRun(
    ExportManifest Snapshot,
    OpportunityTrainingResult? OpportunityResult,
    ModelOutcome OpportunityOutcome,
    IcpTrainingResult? IcpResult,
    ModelOutcome IcpOutcome,
    GroundTruthComparison? GroundTruth)
{
    /// <summary>The opportunity training result (throws when the data could not train one).</summary>
    public OpportunityTrainingResult Opportunity => OpportunityResult ?? throw new TrainingDataException(OpportunityOutcome.NotTrained ?? "opportunity scoring was not trained");

    /// <summary>The ICP training result (throws when the data could not train one).</summary>
    public IcpTrainingResult Icp => IcpResult ?? throw new TrainingDataException(IcpOutcome.NotTrained ?? "the ICP model was not trained");

    /// <summary>The opportunity version this run trained (throws when the data could not train one).</summary>
    public ModelVersion OpportunityVersion => OpportunityOutcome.Candidate ?? throw new TrainingDataException(OpportunityOutcome.NotTrained ?? "opportunity scoring was not trained");

    /// <summary>The ICP version this run trained (throws when the data could not train one).</summary>
    public ModelVersion IcpVersion => IcpOutcome.Candidate ?? throw new TrainingDataException(IcpOutcome.NotTrained ?? "the ICP model was not trained");
}

/// <summary>
/// Training from a Parquet feature snapshot, never from the warehouse, so a run can be repeated from the snapshot
/// alone: verify the snapshot → train opportunity scoring → compare with ground truth (when given) → promotion gate
/// (champion/challenger against the active version) → register, active only when it passed → a baseline when
/// nothing trustworthy is active → the same for the ICP model. Data too small to train a model is reported in the
/// outcome's <see cref="ModelOutcome.NotTrained"/>, never as a crash.
/// </summary>
public static class TrainingPipeline
{
    public const string OpportunityModel = "opportunity-scoring";
    public const string IcpModel = "icp";

    /// <summary>The progress line that opens opportunity scoring's training (the peer benchmark times from it).</summary>
    public const string OpportunityStep = "training opportunity scoring";

    /// <summary>The progress line that opens the ICP model's training, once opportunity scoring is registered.</summary>
    public const string IcpStep = "training the ideal customer profile";

    /// <param name="activate">False (<c>gtm train --no-activate</c>): register every version but leave the active pointers alone.</param>
    public static TrainingRun Run(
        string snapshotDirectory, TrainingConfig config, ModelRegistry registry, string? groundTruthCsv = null, IProgress<string>? progress = null, bool activate = true)
    {
        var snapshot = ExportManifest.Verify(snapshotDirectory);
        return Run(snapshot, FeatureSnapshot.ReadOpportunities(snapshotDirectory), FeatureSnapshot.ReadAccounts(snapshotDirectory), config, registry, groundTruthCsv, progress, activate);
    }

    /// <summary>The same from rows already read (<paramref name="snapshot"/> says where they came from: it goes into the cards).</summary>
    public static TrainingRun Run(
        ExportManifest snapshot,
        IReadOnlyList<Scoring.Features.OpportunityFeatureRow> opportunities,
        IReadOnlyList<Scoring.Features.AccountFeatureRow> accounts,
        TrainingConfig config,
        ModelRegistry registry,
        string? groundTruthCsv = null,
        IProgress<string>? progress = null,
        bool activate = true)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(opportunities);
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(registry);
        progress?.Report(OpportunityStep);
        var (opportunity, opportunityOutcome, truth) = TrainOpportunity(opportunities, snapshot, config, registry, groundTruthCsv, progress, activate);

        progress?.Report(IcpStep);
        var (icp, icpOutcome) = TrainIcp(accounts, snapshot, config, registry, progress, activate);
        return new TrainingRun(snapshot, opportunity, opportunityOutcome, icp, icpOutcome, truth);
    }

    public static string CodeVersion() =>
        Environment.GetEnvironmentVariable("GTM_CODE_VERSION")
        ?? typeof(TrainingPipeline).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? "unknown";

    private static (OpportunityTrainingResult?, ModelOutcome, GroundTruthComparison?) TrainOpportunity(
        IReadOnlyList<Scoring.Features.OpportunityFeatureRow> rows, ExportManifest snapshot, TrainingConfig config, ModelRegistry registry,
        string? groundTruthCsv, IProgress<string>? progress, bool activate)
    {
        var activeBefore = registry.Active(OpportunityModel);
        OpportunityTrainingResult? result = null;
        string? notTrained = null;
        try
        {
            result = OpportunityModelTrainer.Train(rows, config.Opportunity, progress);
        }
        catch (TrainingDataException ex)
        {
            notTrained = ex.Message;
            progress?.Report(notTrained);
        }

        ModelVersion? candidate = null;
        GroundTruthComparison? truth = null;
        if (result is not null)
        {
            truth = groundTruthCsv is null ? null : GroundTruthComparison.Compare(groundTruthCsv, result.HoldoutPredictions);
            var evidence = new GateEvidence(
                GateWording.Deals, result.Won, result.Lost, result.CrossValidation.Auc, result.Holdout.Ece,
                Champions.Opportunity(activeBefore, result, snapshot.Source));
            var decision = PromotionGate.Decide(evidence, config.Opportunity.Gate);
            progress?.Report($"promotion gate: {decision.Reason}");
            candidate = registry.Register(
                ModelCards.Opportunity(result, snapshot, config, truth, decision),
                dir =>
                {
                    result.Save(Path.Combine(dir, RegisteredScorers.OpportunityModelFile));
                    FittedRows.Write(dir, result.FittedRows.Select(Champions.Key));
                    DriftReferences.Opportunity(dir, OpportunityModel, result.FeaturesUsed, rows, result.FittedRows,
                        Scoring.Opportunity.OpportunityScorer.Load(Path.Combine(dir, RegisteredScorers.OpportunityModelFile), result.Catalog));
                },
                activate && decision.Passed,
                Actions.Gate);
        }

        // Nothing trustworthy active: the honest baseline (historical win rate by channel), when there is history.
        ModelVersion? baseline = null;
        var closed = rows.Where(r => r.IsClosed).ToList();
        if (activate && candidate is not { IsActive: true } && NeedsBaseline(activeBefore, snapshot) && closed.Count > 0)
        {
            var winRates = WinRateBaseline.From(closed.Select(r => ((string?)r["channel"].Text, r.Label)), config.Opportunity.BaselineMinimumDealsPerChannel);
            var why = notTrained ?? $"opportunity scoring {candidate!.Version} was {candidate.Card.Gate!.Reason}";
            baseline = registry.Register(
                ModelCards.OpportunityBaseline(winRates, [.. closed.Select(r => r.CreatedDate)], snapshot, why),
                dir =>
                {
                    winRates.Save(dir);
                    FittedRows.Write(dir, closed.Select(Champions.Key));
                    DriftReferences.Opportunity(dir, OpportunityModel, ["channel"], rows, closed, WinRateBaselineScorer.Load(dir));
                },
                activate: true,
                Actions.Baseline);
            progress?.Report($"no trustworthy opportunity model is active: baseline {baseline.Version} is (overall win rate {winRates.Overall})");
        }

        return (result, new ModelOutcome(OpportunityModel, candidate, candidate?.IsActive == true, baseline, registry.Active(OpportunityModel), notTrained), truth);
    }

    private static (IcpTrainingResult?, ModelOutcome) TrainIcp(
        IReadOnlyList<Scoring.Features.AccountFeatureRow> accounts, ExportManifest snapshot, TrainingConfig config, ModelRegistry registry,
        IProgress<string>? progress, bool activate)
    {
        var activeBefore = registry.Active(IcpModel);
        IcpTrainingResult result;
        try
        {
            result = IcpModelTrainer.Train(accounts, config.Icp, progress);
        }
        catch (TrainingDataException ex)
        {
            progress?.Report(ex.Message);
            return (null, new ModelOutcome(IcpModel, null, false, null, activeBefore, ex.Message));
        }

        if (!result.FitModelTrained)
        {
            // The neutral fit is itself the ICP baseline: registered, active only while no fit model is.
            var neutral = registry.Register(ModelCards.Icp(result, snapshot, config, null, $"the fit model could not be trained ({result.FitNotTrainedReason})"), SaveIcp(result, accounts, config),
                activate && NeedsBaseline(activeBefore, snapshot), Actions.Baseline);
            return (result, new ModelOutcome(IcpModel, neutral, neutral.IsActive, null, registry.Active(IcpModel), null));
        }

        var evidence = new GateEvidence(
            GateWording.Accounts, result.PositiveAccounts, result.LabelledAccounts - result.PositiveAccounts, result.CrossValidationAuc, result.HoldoutEce,
            Champions.Icp(activeBefore, result, snapshot.Source));
        var decision = PromotionGate.Decide(evidence, config.Icp.Gate);
        progress?.Report($"ICP promotion gate: {decision.Reason}");
        var candidate = registry.Register(ModelCards.Icp(result, snapshot, config, decision, null), SaveIcp(result, accounts, config), activate && decision.Passed, Actions.Gate);

        ModelVersion? baseline = null;
        if (activate && !candidate.IsActive && NeedsBaseline(activeBefore, snapshot))
        {
            var neutral = IcpModelTrainer.Train(accounts, config.Icp, progress: null, neutralFit: true);
            var why = $"the fit model {candidate.Version} was {decision.Reason}";
            baseline = registry.Register(ModelCards.Icp(neutral, snapshot, config, null, why), SaveIcp(neutral, accounts, config), activate: true, Actions.Baseline);
        }

        return (result, new ModelOutcome(IcpModel, candidate, candidate.IsActive, baseline, registry.Active(IcpModel), null));
    }

    /// <summary>The ICP model's artifacts and the labelled accounts it was fitted on.</summary>
    private static Action<string> SaveIcp(IcpTrainingResult result, IReadOnlyList<Scoring.Features.AccountFeatureRow> accounts, TrainingConfig config) => dir =>
    {
        result.Save(dir);
        FittedRows.Write(dir, result.FittedAccounts.Select(Champions.Key));
        DriftReferences.Icp(dir, IcpModel, [.. config.Icp.FitCategoricalFeatures, .. config.Icp.FitNumericFeatures], accounts, result.Scores);
    };

    /// <summary>
    /// A baseline is registered and activated when no version is active, or when the active one is a baseline of
    /// other data (a newer baseline replaces an older one); never over an active trained model.
    /// </summary>
    private static bool NeedsBaseline(ModelVersion? active, ExportManifest snapshot) =>
        active is null || (active.Card.Kind == ModelKind.Baseline && active.Card.DataHash != snapshot.SnapshotHash);
}
