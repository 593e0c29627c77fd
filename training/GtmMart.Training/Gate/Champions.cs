using System.Globalization;
using System.Text.Json.Nodes;
using GtmMart.Scoring.Features;
using GtmMart.Scoring.Registry;
using GtmMart.Training.Icp;
using GtmMart.Training.Opportunity;

namespace GtmMart.Training.Gate;

/// <summary>
/// Scores the active version (the champion) beside the candidate on rows of the candidate's holdout, so that neither
/// is favoured. The rows the champion was fitted on are known from its <see cref="FittedRows"/>. When at least half
/// the holdout rows are new to it (and they hold both classes) both are compared on those rows, the candidate through
/// its model fitted without its holdout: out of sample for both. Otherwise (a retrain on the same or barely grown
/// data) both are compared on every holdout row, the candidate through its final model, fitted on them too: in sample
/// for both. For a champion registered before fitted rows were kept, it counts as having seen the rows when it came
/// from the same warehouse and was fitted on deals up to their dates (accounts: the same warehouse). A champion that
/// cannot be loaded or scored is reported as such (the comparison then fails), never skipped.
/// </summary>
public static class Champions
{
    /// <summary>The card's data-window key holding the last created date of the rows a version was fitted on.</summary>
    public const string TrainedOnThroughKey = "trained_on_through";

    public static string Key(OpportunityFeatureRow row) => FittedRows.Key(row.OpportunityId, row.CreatedDate, row.Label);

    public static string Key(AccountFeatureRow account) => FittedRows.Key(account.AccountId, null, account.IcpLabel);

    public static ChampionEvidence? Opportunity(ModelVersion? active, OpportunityTrainingResult candidate, string? warehouse)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (active is null)
        {
            return null;
        }

        var rows = candidate.HoldoutRows;
        var fitted = FittedRows.Read(active.Directory);
        var assumeSeen = fitted is null && rows.Count > 0 && SameSource(active.Card, warehouse)
            && TrainedOnThrough(active.Card) is { } through && through >= rows.Min(r => r.CreatedDate);
        var seen = rows.Select(r => fitted?.Contains(Key(r)) ?? assumeSeen).ToArray();
        return Compare(active, rows, [.. rows.Select(r => r.Label)], seen,
            outOfSample: [.. candidate.HoldoutPredictions.Select(p => p.Probability)],
            inSample: () =>
            {
                using var final = candidate.CreateScorer();
                return final.PredictProbabilities(rows);
            },
            champion: subset =>
            {
                using var scorer = RegisteredScorers.LoadOpportunity(active);
                return scorer.PredictProbabilities(subset);
            });
    }

    public static ChampionEvidence? Icp(ModelVersion? active, IcpTrainingResult candidate, string? warehouse)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (active is null)
        {
            return null;
        }

        var accounts = candidate.HoldoutAccounts;
        var fitted = FittedRows.Read(active.Directory);
        var assumeSeen = fitted is null && SameSource(active.Card, warehouse);
        var seen = accounts.Select(a => fitted?.Contains(Key(a)) ?? assumeSeen).ToArray();
        return Compare(active, accounts, [.. accounts.Select(a => a.IcpLabel)], seen,
            outOfSample: candidate.HoldoutProbabilities,
            inSample: () => [.. candidate.Scorer.ScoreBatch(accounts).Select(s => (float)s.FitProbability)],
            champion: subset =>
            {
                using var scorer = RegisteredScorers.LoadIcp(active);
                return [.. scorer.ScoreBatch(subset).Select(s => (float)s.FitProbability)];
            });
    }

    private static ChampionEvidence Compare<TRow>(
        ModelVersion active,
        IReadOnlyList<TRow> rows,
        IReadOnlyList<bool> labels,
        bool[] seen,
        IReadOnlyList<float> outOfSample,
        Func<IReadOnlyList<float>> inSample,
        Func<IReadOnlyList<TRow>, IReadOnlyList<float>> champion)
    {
        var unseen = Enumerable.Range(0, rows.Count).Where(i => !seen[i]).ToList();
        var outOfSampleUsable = unseen.Count * 2 >= rows.Count && unseen.Any(i => labels[i]) && unseen.Any(i => !labels[i]);
        var used = outOfSampleUsable ? unseen : [.. Enumerable.Range(0, rows.Count)];
        var usedLabels = used.Select(i => labels[i]).ToList();
        try
        {
            var mine = outOfSampleUsable ? [.. used.Select(i => outOfSample[i])] : inSample();
            var theirs = champion([.. used.Select(i => rows[i])]);
            return new ChampionEvidence(active.Version, active.Card.Kind, usedLabels, mine, theirs, !outOfSampleUsable, rows.Count);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or InvalidOperationException or ArgumentException or FormatException)
        {
            return new ChampionEvidence(active.Version, active.Card.Kind, usedLabels, [], [], !outOfSampleUsable, rows.Count, ex.Message.Split('\n')[0]);
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
