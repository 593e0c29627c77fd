using System.Globalization;
using GtmMart.Scoring.Registry;
using GtmMart.Serving;
using GtmMart.Training;
using GtmMart.Training.Gate;
using GtmMart.Training.Icp;
using Spectre.Console;

namespace GtmMart.Cli.Output;

/// <summary>What a training run did: each model's version, the promotion gate's decision and checks, the verdict, what is active now.</summary>
public static class ModelView
{
    public static void Print(TrainingRun run, TrainingConfig config)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(config);
        var table = new Table().Title("Trained models and the promotion gate").AddColumns("model", "version", "decision", "verdict", "active now", "headline");
        foreach (var outcome in new[] { run.OpportunityOutcome, run.IcpOutcome })
        {
            var v = outcome.Candidate;
            table.AddRow(
                Markup.Escape(outcome.Model),
                v?.Version ?? "-",
                Markup.Escape(Decision(outcome)),
                Markup.Escape(v is null ? "-" : TrustLabels.Name(v.Card.Trust).Replace('_', ' ')),
                Markup.Escape(outcome.ActiveAfter is { } a ? $"{a.Version} ({TrustLabels.Kind(a.Card)})" : "none"),
                Markup.Escape(v is null ? "" : string.Join("; ", v.Card.Headline.Select(kv => $"{kv.Key} {kv.Value}"))));
        }

        AnsiConsole.Write(table);
        foreach (var outcome in new[] { run.OpportunityOutcome, run.IcpOutcome })
        {
            PrintGate(outcome);
        }

        if (run.OpportunityResult is { } o)
        {
            AnsiConsole.MarkupLine(Markup.Escape(
                $"opportunity scoring: {o.Won:N0} won / {o.Lost:N0} lost closed opportunities; holdout {o.HoldoutWindow.From:yyyy-MM-dd}..{o.HoldoutWindow.To:yyyy-MM-dd}: " +
                $"AUC {F(o.Holdout.Auc)}, PR-AUC {F(o.Holdout.PrAuc)}, log loss {F(o.Holdout.LogLoss)}, Brier {F(o.Holdout.Brier)}, ECE {F(o.Holdout.Ece)}; " +
                $"CV AUC {o.CrossValidation.Auc}"));
            DroppedFeaturesView.Print(o.DroppedFeatures);
        }

        if (run.GroundTruth is { } truth)
        {
            AnsiConsole.MarkupLine(Markup.Escape(
                $"against the generator's true probabilities on the same {truth.Rows:N0} holdout rows: model AUC {F(truth.ModelAuc)} vs true-p AUC {F(truth.TrueProbabilityAuc)} " +
                $"(ratio {F(truth.AucRatio)}, aim >= 0.95); ECE {F(truth.ModelEce)} (aim <= 0.05)"));
        }

        if (run.IcpResult is { } icp)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"ICP tiers: {IcpTierMeaning.Summary(config.Icp)}"));
            AnsiConsole.MarkupLine(Markup.Escape($"ICP: accounts and deal win rate by tier {Tiers(icp.TierWinRates)}; on the holdout {Tiers(icp.HoldoutTierWinRates)}; fit AUC {F(icp.HoldoutAuc)}"));
        }

        foreach (var warning in (run.OpportunityResult?.Warnings ?? []).Concat(run.IcpResult?.Warnings ?? []))
        {
            AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        }
    }

    private static string Decision(ModelOutcome outcome) => outcome switch
    {
        { Candidate: null } => "not trained",
        { Activated: true, Candidate.Card.Kind: ModelKind.Baseline } => "baseline, active",
        { Activated: true } => "passed the gate, active",
        { Candidate.Card.Kind: ModelKind.Baseline } => "baseline, not active",
        { Decision.Passed: true } => "passed the gate, not activated",
        _ => "refused by the gate",
    };

    private static void PrintGate(ModelOutcome outcome)
    {
        if (outcome.NotTrained is { } why)
        {
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(outcome.Model)} not trained:[/] {Markup.Escape(why)}");
        }

        if (outcome.Candidate is { } v)
        {
            if (v.Card.Gate is { } gate)
            {
                var colour = gate.Passed ? "green" : "yellow";
                AnsiConsole.MarkupLine($"[{colour}]{Markup.Escape($"{v.Model} {v.Version}: promotion gate {(gate.Passed ? "passed" : "refused")}")}[/]");
                foreach (var check in gate.Checks)
                {
                    AnsiConsole.MarkupLine(Markup.Escape($"  {(check.Passed ? "pass" : "FAIL")}  {check.Name}: {check.Observed} (required: {check.Required})"));
                }
            }
            else
            {
                AnsiConsole.MarkupLine(Markup.Escape($"{v.Model} {v.Version}: a baseline (not gated; active only while no trained model is)"));
            }

            AnsiConsole.MarkupLine(Markup.Escape($"  verdict: {TrustLabels.Name(v.Card.Trust).Replace('_', ' ')}. {v.Card.TrustReason}"));
        }

        if (outcome is { Activated: false, Decision.Champion: { InSample: false } c } && outcome.ActiveAfter?.Version == c.ChampionVersion)
        {
            // The comparison also tested the version that stays active, on this data's rows it was not fitted on.
            var (lower, upper) = PromotionGate.AucInterval(c.ChampionAuc, c.Positives, c.Rows - c.Positives);
            if (!(lower > PromotionGate.Chance))
            {
                var rows = outcome.Model == TrainingPipeline.IcpModel ? "held-out labelled accounts" : "newest closed deals";
                AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"active {outcome.Model} {c.ChampionVersion} does no better than chance on this data's {c.Rows:N0} {rows} it was not fitted on (AUC {c.ChampionAuc:0.000} [{lower:0.000}, {upper:0.000}]); it stays active because no candidate passed the gate, but its scores for this data are not to be trusted"))}");
            }
        }

        if (outcome.Baseline is { } b)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"{b.Model} {b.Version} (baseline) is active: {b.Card.TrustReason}"));
        }
        else if (outcome.ActiveAfter is { } active && active.Version != outcome.Candidate?.Version)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"{active.Model} {active.Version} stays active ({TrustLabels.Kind(active.Card)}, {TrustLabels.Name(active.Card.Trust).Replace('_', ' ')})"));
        }
        else if (outcome.ActiveAfter is null)
        {
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape($"{outcome.Model} has no active version: nothing will be scored with it")}[/]");
        }
    }

    private static string Tiers(IReadOnlyList<IcpTierStats> tiers) => tiers.Count == 0
        ? "n/a"
        : string.Join(", ", tiers.Select(t => $"{t.Tier} {t.Accounts:N0} accounts {(t.WinRate is { } w ? w.ToString("P0", CultureInfo.InvariantCulture).Replace(" %", "%", StringComparison.Ordinal) : "-")}"));

    private static string F(double value) => double.IsFinite(value) ? value.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
}
