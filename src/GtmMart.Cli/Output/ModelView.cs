using System.Globalization;
using GtmMart.Training;
using Spectre.Console;

namespace GtmMart.Cli.Output;

/// <summary>The headline figures of a training run, as recorded in the new model cards.</summary>
public static class ModelView
{
    public static void Print(TrainingRun run)
    {
        var table = new Table().Title("Trained models (active in the registry)").AddColumns("model", "version", "algorithm", "headline");
        foreach (var version in new[] { run.OpportunityVersion, run.IcpVersion })
        {
            table.AddRow(
                Markup.Escape(version.Model),
                version.Version,
                Markup.Escape(version.Card.Algorithm),
                Markup.Escape(string.Join("; ", version.Card.Headline.Select(kv => $"{kv.Key} {kv.Value}"))));
        }

        AnsiConsole.Write(table);
        var o = run.Opportunity;
        AnsiConsole.MarkupLine(Markup.Escape(
            $"opportunity scoring: {o.Won:N0} won / {o.Lost:N0} lost closed opportunities; holdout {o.HoldoutWindow.From:yyyy-MM-dd}..{o.HoldoutWindow.To:yyyy-MM-dd}: " +
            $"AUC {F(o.Holdout.Auc)}, PR-AUC {F(o.Holdout.PrAuc)}, log loss {F(o.Holdout.LogLoss)}, Brier {F(o.Holdout.Brier)}, ECE {F(o.Holdout.Ece)}; " +
            $"CV AUC {o.CrossValidation.Auc}"));
        if (run.GroundTruth is { } truth)
        {
            AnsiConsole.MarkupLine(Markup.Escape(
                $"against the generator's true probabilities on the same {truth.Rows:N0} holdout rows: model AUC {F(truth.ModelAuc)} vs true-p AUC {F(truth.TrueProbabilityAuc)} " +
                $"(ratio {F(truth.AucRatio)}, aim >= 0.95); ECE {F(truth.ModelEce)} (aim <= 0.05)"));
        }

        foreach (var dropped in o.DroppedFeatures)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"  left out: {dropped.Feature} ({dropped.Reason}{(dropped.UnivariateAuc is { } auc ? $", AUC alone {F(auc)}" : "")})"));
        }

        var tiers = string.Join(", ", run.Icp.TierWinRates.Select(t => $"{t.Tier} {(t.WinRate is { } w ? w.ToString("P0", CultureInfo.InvariantCulture) : "-")} ({t.Accounts:N0} accounts)"));
        AnsiConsole.MarkupLine(Markup.Escape($"ICP: win rate by tier {tiers}; fit AUC {F(run.Icp.HoldoutAuc)}"));
        foreach (var warning in o.Warnings.Concat(run.Icp.Warnings))
        {
            AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        }
    }

    private static string F(double value) => double.IsFinite(value) ? value.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
}
