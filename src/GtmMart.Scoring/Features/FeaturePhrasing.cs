using System.Globalization;

namespace GtmMart.Scoring.Features;

/// <summary>
/// How one feature's value reads to a salesperson, declared beside the feature in its catalog: a full phrase
/// ("3 demo-page visits in the last 30 days"), a short form for the typical deal it is set against ("none", "$25,000"),
/// and what the feature is (<see cref="Noun"/>: "demo-page visits in the last 30 days") for notes such as "... not given".
/// </summary>
public abstract class FeaturePhrasing
{
    private protected static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>What the feature is, in words, lower case.</summary>
    public abstract string Noun { get; }

    /// <summary>The phrase for a number (NaN: no value); categorical phrasings phrase the text instead.</summary>
    public virtual string Phrase(float value) => throw new NotSupportedException($"{GetType().Name} phrases text, not numbers.");

    /// <summary>The phrase for a category (empty: no value); numeric phrasings phrase numbers instead.</summary>
    public virtual string Phrase(string value) => throw new NotSupportedException($"{GetType().Name} phrases numbers, not text.");

    /// <summary>The short form of a typical value: "none", "3", "$25,000", "14 days ago".</summary>
    public virtual string Typical(float value) => float.IsNaN(value) ? "unknown" : Number(value);

    /// <summary>The short form of a typical category.</summary>
    public virtual string Typical(string value) => string.IsNullOrWhiteSpace(value) ? "unknown" : value;

    /// <summary>A count of events in a window: "3 demo-page visits in the last 30 days", "No demo-page visits ...".</summary>
    public static FeaturePhrasing Count(string one, string many, string period = "") => new CountPhrasing(one, many, period);

    /// <summary>An amount of US dollars: "Deal size $120,000".</summary>
    public static FeaturePhrasing Money(string label, string whenZero) => new MoneyPhrasing(label, whenZero);

    /// <summary>A 0/1 flag: "Sourced from paid media" / "Not sourced from paid media".</summary>
    public static FeaturePhrasing Flag(string noun, string yes, string no, string shortYes, string shortNo) => new FlagPhrasing(noun, yes, no, shortYes, shortNo);

    /// <summary>A plain quantity with a unit: "1,200 employees".</summary>
    public static FeaturePhrasing Quantity(string noun, string unit) => new QuantityPhrasing(noun, unit);

    /// <summary>Days since an event, NaN when there was none: "Last web session from the account 3 days ago".</summary>
    public static FeaturePhrasing DaysSince(string noun, string lastEvent, string noEvent) => new DaysSincePhrasing(noun, lastEvent, noEvent);

    /// <summary>A category with a label: "Channel: Partner", or with a suffix: "Company size: 200-999 employees".</summary>
    public static FeaturePhrasing Category(string label, string suffix = "") => new CategoryPhrasing(label, suffix);

    /// <summary>"$120,000", "$12.5M", "$1.2B".</summary>
    public static string Dollars(double value) => value switch
    {
        >= 1e9 => "$" + (value / 1e9).ToString("0.#", Inv) + "B",
        >= 1e7 => "$" + (value / 1e6).ToString("0.#", Inv) + "M",
        _ => "$" + value.ToString("N0", Inv),
    };

    /// <summary>A number as counted: whole numbers without decimals, others with one.</summary>
    private protected static string Number(float value)
    {
        var n = Math.Round(value, 1);
        return n == Math.Floor(n) ? n.ToString("N0", Inv) : n.ToString("N1", Inv);
    }

    private static string Lower(string text) => text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];

    private sealed class CountPhrasing(string one, string many, string period) : FeaturePhrasing
    {
        private readonly string _period = period.Length == 0 ? "" : " " + period;

        public override string Noun => many + _period;

        public override string Phrase(float value)
        {
            if (float.IsNaN(value))
            {
                return "No data on " + many + _period;
            }

            if (value <= 0)
            {
                return "No " + many + _period;
            }

            var count = Number(value);
            return $"{count} {(count == "1" ? one : many)}{_period}";
        }

        public override string Typical(float value) => float.IsNaN(value) ? "unknown" : value <= 0 ? "none" : Number(value);
    }

    private sealed class MoneyPhrasing(string label, string whenZero) : FeaturePhrasing
    {
        public override string Noun => Lower(label);

        public override string Phrase(float value) =>
            float.IsNaN(value) ? label + " unknown" : value <= 0 && whenZero.Length > 0 ? whenZero : label + " " + Dollars(value);

        public override string Typical(float value) => float.IsNaN(value) ? "unknown" : value <= 0 && whenZero.Length > 0 ? "not set" : Dollars(value);
    }

    private sealed class FlagPhrasing(string noun, string yes, string no, string shortYes, string shortNo) : FeaturePhrasing
    {
        public override string Noun => noun;

        public override string Phrase(float value) => float.IsNaN(value) ? Capital(noun) + " unknown" : value > 0.5f ? yes : no;

        public override string Typical(float value) => float.IsNaN(value) ? "unknown" : value > 0.5f ? shortYes : shortNo;

        private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
    }

    private sealed class QuantityPhrasing(string noun, string unit) : FeaturePhrasing
    {
        public override string Noun => noun;

        public override string Phrase(float value) => float.IsNaN(value) ? $"{char.ToUpperInvariant(noun[0])}{noun[1..]} unknown" : $"{value.ToString("N0", Inv)} {unit}";

        public override string Typical(float value) => float.IsNaN(value) ? "unknown" : value.ToString("N0", Inv);
    }

    private sealed class DaysSincePhrasing(string noun, string lastEvent, string noEvent) : FeaturePhrasing
    {
        public override string Noun => noun;

        public override string Phrase(float value) => float.IsNaN(value) ? noEvent
            : value < 1 ? $"{lastEvent} today"
            : $"{lastEvent} {value.ToString("N0", Inv)} day{(value >= 1.5f ? "s" : "")} ago";

        public override string Typical(float value) => float.IsNaN(value) ? "none on record"
            : value < 1 ? "today"
            : $"{value.ToString("N0", Inv)} day{(value >= 1.5f ? "s" : "")} ago";
    }

    private sealed class CategoryPhrasing(string label, string suffix) : FeaturePhrasing
    {
        private readonly string _suffix = suffix.Length == 0 ? "" : " " + suffix;

        public override string Noun => Lower(label);

        public override string Phrase(string value) =>
            string.IsNullOrWhiteSpace(value) ? $"{label}: unknown" : $"{label}: {value}{_suffix}";
    }
}
