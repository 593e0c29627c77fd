using System.Globalization;
using System.Text.Json.Nodes;
using GtmMart.Scoring.Registry;
using GtmMart.Training.Icp;
using GtmMart.Training.Opportunity;

namespace GtmMart.Training.Gate;

/// <summary>
/// Scores the active version (the champion) on the candidate's holdout rows, so the gate compares both on the same
/// rows, and picks the candidate's probabilities so that neither side is favoured: when the champion cannot have seen
/// those rows (other warehouse, or for opportunities created after the last row it was fitted on) the candidate's
/// model fitted without its holdout scores them (both out of sample); when it may have (a retrain on the same or
/// grown data of the same warehouse) the candidate's final model, refitted on those rows too, scores them (both in
/// sample). A champion that cannot be loaded or scored is reported as such (the comparison then fails), never skipped.
/// </summary>
public static class Champions
{
    /// <summary>The card's data-window key holding the last created date of the rows a version was fitted on.</summary>
    public const string TrainedOnThroughKey = "trained_on_through";

    public static ChampionEvidence? Opportunity(ModelVersion? active, OpportunityTrainingResult candidate, string? warehouse)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (active is null)
        {
            return null;
        }

        var labels = candidate.HoldoutPredictions.Select(p => p.Won).ToList();
        var seen = candidate.HoldoutRows.Count > 0 && SameSource(active.Card, warehouse)
            && TrainedOnThrough(active.Card) is { } through && through >= candidate.HoldoutRows.Min(r => r.CreatedDate);
        IReadOnlyList<float> mine = [.. candidate.HoldoutPredictions.Select(p => p.Probability)];
        if (seen)
        {
            using var final = candidate.CreateScorer();
            mine = final.PredictProbabilities(candidate.HoldoutRows);
        }

        try
        {
            using var scorer = RegisteredScorers.LoadOpportunity(active);
            return new ChampionEvidence(active.Version, active.Card.Kind, labels, mine, scorer.PredictProbabilities(candidate.HoldoutRows), seen);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or InvalidOperationException or ArgumentException or FormatException)
        {
            return new ChampionEvidence(active.Version, active.Card.Kind, labels, mine, [], seen, ex.Message.Split('\n')[0]);
        }
    }

    public static ChampionEvidence? Icp(ModelVersion? active, IcpTrainingResult candidate, string? warehouse)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (active is null)
        {
            return null;
        }

        var labels = candidate.HoldoutAccounts.Select(a => a.IcpLabel).ToList();
        // The ICP fit model is refitted on every labelled account: a champion from the same warehouse saw these accounts.
        var seen = SameSource(active.Card, warehouse);
        IReadOnlyList<float> mine = seen
            ? [.. candidate.Scorer.ScoreBatch(candidate.HoldoutAccounts).Select(s => (float)s.FitProbability)]
            : candidate.HoldoutProbabilities;
        try
        {
            using var scorer = RegisteredScorers.LoadIcp(active);
            var champion = scorer.ScoreBatch(candidate.HoldoutAccounts).Select(s => (float)s.FitProbability).ToList();
            return new ChampionEvidence(active.Version, active.Card.Kind, labels, mine, champion, seen);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or InvalidOperationException or ArgumentException or FormatException)
        {
            return new ChampionEvidence(active.Version, active.Card.Kind, labels, mine, [], seen, ex.Message.Split('\n')[0]);
        }
    }

    private static bool SameSource(ModelCard card, string? warehouse) =>
        warehouse is not null && string.Equals(card.SourceWarehouse, warehouse, StringComparison.Ordinal);

    private static DateTime? TrainedOnThrough(ModelCard card) =>
        card.DataWindow[TrainedOnThroughKey] is JsonValue v && v.TryGetValue<string>(out var text)
            && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var date)
            ? date
            : null;
}
