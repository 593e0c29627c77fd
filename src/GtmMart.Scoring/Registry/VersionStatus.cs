using System.Globalization;

namespace GtmMart.Scoring.Registry;

/// <summary>
/// Where a version stands, as <c>gtm models list</c> and the ModelService show it: <see cref="Active"/>,
/// <see cref="Candidate"/> (passed the gate, not active), <see cref="Refused"/> (the gate said no) or
/// <see cref="Baseline"/> (an inactive baseline), with why in one sentence.
/// </summary>
public sealed record VersionStatus(string Status, string Why, bool Forced)
{
    public const string Active = "active";
    public const string Candidate = "candidate";
    public const string Refused = "refused";
    public const string Baseline = "baseline";

    /// <summary>The status of <paramref name="version"/> given the registry's promotion events for its model.</summary>
    public static VersionStatus Of(ModelVersion version, IReadOnlyList<PromotionEvent> events)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(events);
        var card = version.Card;
        var activations = events.Where(e => e.Version == version.Version).ToList();
        if (version.IsActive)
        {
            var last = activations.LastOrDefault();
            var forced = last?.Action == Actions.Forced;
            var how = last is null ? "" : $"{last.Action} {last.AtUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}Z";
            var why = forced
                ? $"{how} ({last!.Note}); the gate had refused it: {card.Gate!.Reason}"
                : card.Kind == ModelKind.Baseline ? Join(how, card.TrustReason)
                : Join(how, card.Gate?.Reason ?? "trained before the promotion gate existed");
            return new VersionStatus(Active, why, forced);
        }

        var replaced = activations.Count > 0 ? $"was active until {NextActive(version.Version, events) ?? "a later version"} replaced it" : null;
        if (card.Kind == ModelKind.Baseline)
        {
            return new VersionStatus(Baseline, Join(replaced ?? "never active", card.TrustReason), false);
        }

        if (version.RefusedByGate)
        {
            return new VersionStatus(Refused, card.Gate!.Reason, false);
        }

        var passed = card.Gate is null ? "trained before the promotion gate existed" : card.Gate.Reason;
        return new VersionStatus(Candidate, Join(replaced ?? (card.Gate is null ? null : "registered without activation"), passed), false);
    }

    private static string? NextActive(string version, IReadOnlyList<PromotionEvent> events)
    {
        var last = events.Select((e, i) => (e, i)).Last(x => x.e.Version == version).i;
        return events.Skip(last + 1).FirstOrDefault(e => e.Version != version)?.Version;
    }

    private static string Join(string? first, string second) => string.IsNullOrEmpty(first) ? second : $"{first}: {second}";
}
