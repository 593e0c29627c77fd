using System.Text.Json;
using GtmMart.Scoring.Registry;

namespace GtmMart.Serving;

/// <summary>
/// How the score tables, the run ledger and the dashboard name what produced a side's scores: kind <c>model</c>,
/// <c>baseline</c> or <c>none</c> (no scores), and the trust verdict (<c>good</c>, <c>weak</c>,
/// <c>no_better_than_chance</c>, <c>baseline_only</c>, <c>not_assessed</c>) with its one-sentence reason.
/// </summary>
public static class TrustLabels
{
    public const string None = "none";

    public static string Kind(ModelCard? card) => card is null ? None : Name(card.Kind.ToString());

    public static string? Verdict(ModelCard? card) => card is null ? null : Name(card.Trust.ToString());

    public static string? Reason(ModelCard? card) => card?.TrustReason;

    /// <summary>The snake_case name of a verdict (as in model cards and the ledger).</summary>
    public static string Name(TrustVerdict verdict) => Name(verdict.ToString());

    private static string Name(string value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value);
}
