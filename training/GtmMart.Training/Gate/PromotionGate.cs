using System.Globalization;
using GtmMart.Scoring.Registry;
using GtmMart.Training.Evaluation;

namespace GtmMart.Training.Gate;

/// <summary>How a model's examples are named in the gate's sentences ("won"/"lost" deals, "customers"/"non-customers").</summary>
public sealed record GateWording(string Unit, string Positive, string Negative, string OnePositive, string OneNegative, string Holdout)
{
    public static readonly GateWording Deals = new("closed deals", "won", "lost", "a won deal", "a lost one", "newest closed deals");

    public static readonly GateWording Accounts = new("labelled accounts", "customers", "non-customers", "a customer", "a non-customer", "held-out labelled accounts");
}

/// <summary>
/// The active version scored beside the candidate on rows of the candidate's holdout (<paramref name="HoldoutRows"/>
/// of them): same rows, same labels, both in sample or both out of sample (<see cref="Champions"/>).
/// <see cref="Failure"/> says why the active version could not be scored (then the comparison fails).
/// </summary>
public sealed record ChampionEvidence(
    string Version,
    ModelKind Kind,
    IReadOnlyList<bool> Labels,
    IReadOnlyList<float> Candidate,
    IReadOnlyList<float> Champion,
    bool InSample,
    int HoldoutRows,
    string? Failure = null);

/// <summary>What the gate judges a trained version on.</summary>
public sealed record GateEvidence(
    GateWording Wording,
    int Positives,
    int Negatives,
    MetricInterval CvAuc,
    double HoldoutEce,
    ChampionEvidence? Champion);

/// <summary>
/// The promotion gate: decides whether a trained version may become active and gives the trust verdict, each with a
/// one-sentence reason, from the class counts, the cross-validated AUC interval, the holdout calibration and (when a
/// version is active) champion/challenger figures on the candidate's newest holdout. See <see cref="GateOptions"/>.
/// </summary>
public static class PromotionGate
{
    /// <summary>AUC of a coin toss: the lower end of the CV interval must be above it.</summary>
    public const double Chance = 0.5;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static GateDecision Decide(GateEvidence evidence, GateOptions options, DateTime? now = null)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(options);
        evidence = evidence with { CvAuc = WithSamplingError(evidence.CvAuc, evidence.Positives, evidence.Negatives) };
        var w = evidence.Wording;
        var checks = new List<GateCheck>();
        var refusals = new List<string>();

        var enough = evidence.Positives >= options.MinimumPerClass && evidence.Negatives >= options.MinimumPerClass;
        checks.Add(new GateCheck(
            "enough examples of each class",
            enough,
            $"{evidence.Positives:N0} {w.Positive}, {evidence.Negatives:N0} {w.Negative} {w.Unit}",
            $">= {options.MinimumPerClass:N0} of each ({options.GoodPerClass:N0} of each for a good verdict)"));
        if (!enough)
        {
            refusals.Add($"too little data ({evidence.Positives:N0} {w.Positive} and {evidence.Negatives:N0} {w.Negative} {w.Unit}; at least {options.MinimumPerClass:N0} of each are needed)");
        }

        var auc = evidence.CvAuc;
        var beatsChance = double.IsFinite(auc.Lower) && auc.Lower > Chance;
        checks.Add(new GateCheck("better than chance", beatsChance, $"CV AUC {Interval(auc)}", $"lower end of the 95% interval (the wider of the folds' spread and the sampling error on this many examples) > {F(Chance)}"));
        if (!beatsChance)
        {
            refusals.Add(double.IsFinite(auc.Lower)
                ? $"no better than chance (CV AUC {Interval(auc)}: the interval's lower end is not above {F(Chance)})"
                : "no better than chance can be shown (the CV AUC is undefined: a fold held one class only)");
        }

        ChampionComparison? comparison = null;
        if (evidence.Champion is { } champion)
        {
            var (check, compared, refusal) = Compare(champion, options, w);
            checks.Add(check);
            comparison = compared;
            if (refusal is not null)
            {
                refusals.Add(refusal);
            }
        }

        var passed = refusals.Count == 0;
        var (verdict, verdictReason) = Verdict(evidence, options, beatsChance);
        var reason = passed
            ? $"passed: {string.Join("; ", checks.Select(c => c.Observed))}"
            : $"refused: {string.Join("; ", refusals)}";
        return new GateDecision(passed, verdict, reason, verdictReason, checks, comparison, now ?? DateTime.UtcNow);
    }

    private static (GateCheck Check, ChampionComparison? Comparison, string? Refusal) Compare(ChampionEvidence c, GateOptions options, GateWording w)
    {
        var required = $"AUC >= active {c.Version}'s - {F(options.ChampionAucTolerance)} and ECE <= active's + {F(options.ChampionEceTolerance)} on the candidate's holdout";
        if (c.Failure is not null)
        {
            return (new GateCheck("champion/challenger", false, $"active {c.Version} could not be scored: {c.Failure}", required), null,
                $"the active {c.Version} could not be scored on the same rows ({c.Failure})");
        }

        var rows = c.Labels.Count;
        var positives = c.Labels.Count(l => l);
        var candidate = BinaryMetrics.Compute([.. c.Candidate.Select((p, i) => (p, c.Labels[i]))]);
        var active = BinaryMetrics.Compute([.. c.Champion.Select((p, i) => (p, c.Labels[i]))]);
        var comparison = new ChampionComparison(
            c.Version, c.Kind, c.HoldoutRows, rows, positives, candidate.Auc, active.Auc, candidate.Ece, active.Ece,
            options.ChampionAucTolerance, options.ChampionEceTolerance, c.InSample);
        var seen = c.InSample
            ? $" (in sample for both: active {c.Version} was fitted on most of these rows, so is the candidate's final model compared)"
            : " (out of sample for both)";
        var which = rows == c.HoldoutRows ? $"the {rows:N0} {w.Holdout}" : $"the {rows:N0} of the {c.HoldoutRows:N0} {w.Holdout} that active {c.Version} was not fitted on";
        if (!double.IsFinite(candidate.Auc) || !double.IsFinite(active.Auc))
        {
            var why = $"the {rows:N0} {w.Holdout} compared are all {(positives == 0 ? w.Negative : w.Positive)}, so AUC cannot compare the candidate with active {c.Version}";
            return (new GateCheck("champion/challenger", false, why, required), comparison, why);
        }

        var aucOk = comparison.DeltaAuc >= -options.ChampionAucTolerance;
        var eceOk = comparison.DeltaEce <= options.ChampionEceTolerance;
        var observed = string.Create(Inv,
            $"on {which}: AUC {F(candidate.Auc)} vs {F(active.Auc)} for active {c.Version} ({Signed(comparison.DeltaAuc)}), ECE {F(candidate.Ece)} vs {F(active.Ece)} ({Signed(comparison.DeltaEce)}){seen}");
        var problems = new List<string>();
        if (!aucOk)
        {
            problems.Add($"AUC {Signed(comparison.DeltaAuc)} (more than {F(options.ChampionAucTolerance)} below)");
        }

        if (!eceOk)
        {
            problems.Add($"ECE {Signed(comparison.DeltaEce)} (more than {F(options.ChampionEceTolerance)} above)");
        }

        var refusal = problems.Count == 0 ? null : $"worse than active {c.Version} on {which}: {string.Join(", ", problems)}";
        return (new GateCheck("champion/challenger", aucOk && eceOk, observed, required), comparison, refusal);
    }

    /// <summary>Good, weak or no better than chance, with the reason in one plain sentence for a head of growth.</summary>
    private static (TrustVerdict Verdict, string Reason) Verdict(GateEvidence e, GateOptions options, bool beatsChance)
    {
        var w = e.Wording;
        var auc = e.CvAuc;
        if (!beatsChance)
        {
            return (TrustVerdict.NoBetterThanChance, double.IsFinite(auc.Mean)
                ? $"On {w.Unit} it had not seen, it did no better than a coin toss at telling {w.Positive} from {w.Negative} (AUC {Interval(auc)}; 0.5 is chance)."
                : $"With {e.Positives:N0} {w.Positive} and {e.Negatives:N0} {w.Negative} {w.Unit} it could not be tested on examples it had not seen.");
        }

        var weaknesses = new List<string>();
        if (e.Positives < options.GoodPerClass || e.Negatives < options.GoodPerClass)
        {
            weaknesses.Add($"it learned from only {e.Positives:N0} {w.Positive} and {e.Negatives:N0} {w.Negative} {w.Unit} ({options.GoodPerClass:N0} of each recommended)");
        }

        if (auc.Lower < options.GoodCvAucLower)
        {
            weaknesses.Add($"it tells {w.Positive} from {w.Negative} only a little better than chance (AUC {Interval(auc)})");
        }

        if (!(e.HoldoutEce <= options.GoodMaximumEce))
        {
            weaknesses.Add(double.IsFinite(e.HoldoutEce)
                ? $"its probabilities are off by {Points(e.HoldoutEce)} points on average"
                : "its calibration could not be measured on new data");
        }

        return weaknesses.Count > 0
            ? (TrustVerdict.Weak, $"Better than chance but weak: {string.Join("; ", weaknesses)}.")
            : (TrustVerdict.Good, string.Create(Inv,
                $"On {w.Unit} it had not seen, it ranks {w.OnePositive} above {w.OneNegative} {auc.Mean:P0} of the time (AUC {Interval(auc)}), learned from {e.Positives:N0} {w.Positive} and {e.Negatives:N0} {w.Negative}, with probabilities off by {Points(e.HoldoutEce)} points on average.")
                .Replace(" %", "%", StringComparison.Ordinal));
    }

    /// <summary>
    /// The CV AUC interval the gate judges: the wider of the folds' spread (mean ± 1.96·sd/√k) and the sampling error of
    /// one AUC measured on <paramref name="positives"/> and <paramref name="negatives"/> examples (<see cref="AucInterval"/>).
    /// Folds fitted alike can agree closely with each other (a one-split model scores every fold about the same) while
    /// the data is too small to tell the AUC from chance: on 80 won and 72 lost deals a CV AUC of 0.538 has a folds'
    /// interval [0.506, 0.569] but a sampling interval [0.446, 0.630], and the gate must not promote it.
    /// </summary>
    public static MetricInterval WithSamplingError(MetricInterval cv, int positives, int negatives)
    {
        ArgumentNullException.ThrowIfNull(cv);
        var (lower, upper) = AucInterval(cv.Mean, positives, negatives);
        return double.IsFinite(lower) && (lower < cv.Lower || upper > cv.Upper)
            ? cv with { Lower = Math.Min(lower, cv.Lower), Upper = Math.Max(upper, cv.Upper) }
            : cv;
    }

    /// <summary>
    /// A single AUC's 95% interval (Hanley and McNeil's standard error for <paramref name="positives"/> and
    /// <paramref name="negatives"/> examples), clamped to [0, 1]; NaN bounds when the AUC is undefined.
    /// </summary>
    public static (double Lower, double Upper) AucInterval(double auc, int positives, int negatives)
    {
        if (!double.IsFinite(auc) || positives < 1 || negatives < 1)
        {
            return (double.NaN, double.NaN);
        }

        var q1 = auc / (2 - auc);
        var q2 = 2 * auc * auc / (1 + auc);
        var variance = ((auc * (1 - auc)) + ((positives - 1) * (q1 - (auc * auc))) + ((negatives - 1) * (q2 - (auc * auc)))) / ((double)positives * negatives);
        var half = 1.959964 * Math.Sqrt(Math.Max(0, variance));
        return (Math.Max(0, auc - half), Math.Min(1, auc + half));
    }

    internal static string Interval(MetricInterval i) => $"{F(i.Mean)} [{F(i.Lower)}, {F(i.Upper)}]";

    internal static string F(double value) => double.IsFinite(value) ? value.ToString("0.000", Inv) : "n/a";

    private static string Signed(double value) => double.IsFinite(value) ? value.ToString("+0.000;-0.000;0.000", Inv) : "n/a";

    private static string Points(double ece) => (ece * 100).ToString("0.#", Inv);
}
