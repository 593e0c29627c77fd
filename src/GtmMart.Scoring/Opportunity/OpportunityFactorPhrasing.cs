using System.Collections.Concurrent;
using System.Globalization;
using GtmMart.Scoring.Features;

namespace GtmMart.Scoring.Opportunity;

/// <summary>
/// Turns a source feature and the opportunity's value into a phrase a salesperson can read,
/// e.g. "3 demo-page visits in the last 30 days", "Channel: Partner", "Deal size $120,000".
/// </summary>
public static class OpportunityFactorPhrasing
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Count features: (singular, plural, period suffix, phrase when zero).</summary>
    private static readonly Dictionary<string, (string One, string Many, string Period)> Counts = new(StringComparer.Ordinal)
    {
        ["sessions_7d"] = ("web session from the account", "web sessions from the account", "in the last 7 days"),
        ["sessions_30d"] = ("web session from the account", "web sessions from the account", "in the last 30 days"),
        ["sessions_90d"] = ("web session from the account", "web sessions from the account", "in the last 90 days"),
        ["pageviews_30d"] = ("page view", "page views", "in the last 30 days"),
        ["pageviews_90d"] = ("page view", "page views", "in the last 90 days"),
        ["form_submissions_30d"] = ("form submission", "form submissions", "in the last 30 days"),
        ["form_submissions_90d"] = ("form submission", "form submissions", "in the last 90 days"),
        ["pricing_visits_30d"] = ("pricing-page visit", "pricing-page visits", "in the last 30 days"),
        ["pricing_visits_90d"] = ("pricing-page visit", "pricing-page visits", "in the last 90 days"),
        ["demo_visits_30d"] = ("demo-page visit", "demo-page visits", "in the last 30 days"),
        ["demo_visits_90d"] = ("demo-page visit", "demo-page visits", "in the last 90 days"),
        ["enterprise_visits_30d"] = ("enterprise-page visit", "enterprise-page visits", "in the last 30 days"),
        ["enterprise_visits_90d"] = ("enterprise-page visit", "enterprise-page visits", "in the last 90 days"),
        ["senior_sessions_30d"] = ("session by a senior contact (C-level, VP, Director)", "sessions by senior contacts (C-level, VP, Director)", "in the last 30 days"),
        ["senior_sessions_90d"] = ("session by a senior contact (C-level, VP, Director)", "sessions by senior contacts (C-level, VP, Director)", "in the last 90 days"),
        ["engaged_contacts_90d"] = ("contact engaged on the website", "contacts engaged on the website", "in the last 90 days"),
        ["senior_engaged_contacts_90d"] = ("senior contact engaged on the website", "senior contacts engaged on the website", "in the last 90 days"),
        ["prior_opportunities"] = ("earlier opportunity with the account", "earlier opportunities with the account", ""),
        ["prior_won"] = ("earlier deal won with the account", "earlier deals won with the account", ""),
        ["prior_lost"] = ("earlier deal lost with the account", "earlier deals lost with the account", ""),
    };

    private static readonly Dictionary<string, string> CategoricalLabels = new(StringComparer.Ordinal)
    {
        ["channel"] = "Channel",
        ["owner_region"] = "Owner region",
        ["industry"] = "Industry",
        ["employee_band"] = "Company size",
        ["account_region"] = "Account region",
        ["owner_id"] = "Owner",
    };

    /// <summary>Phrasers by feature, made once each (see <see cref="PhraserFor"/>).</summary>
    private static readonly ConcurrentDictionary<string, Func<OpportunityFeatureRow, string>> Phrasers = new(StringComparer.Ordinal);

    /// <summary>Phrases one feature keeps at most; beyond that they are formatted each time.</summary>
    private const int CachedPhrasesPerFeature = 4_096;

    /// <summary>The phrase for <paramref name="feature"/> of <paramref name="row"/>.</summary>
    public static string Phrase(string feature, OpportunityFeatureRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return PhraserFor(feature)(row);
    }

    /// <summary>
    /// The phrase maker of one feature: reads the value with a compiled getter and keeps the phrases it has made, since
    /// scores repeat the same few values (a channel, a count of visits) and formatting them again cost about as much
    /// as the rest of a score. Thread-safe; shared by every caller.
    /// </summary>
    public static Func<OpportunityFeatureRow, string> PhraserFor(string feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        return Phrasers.GetOrAdd(feature, static f =>
        {
            if (OpportunityFeatureColumns.IsCategorical(f))
            {
                var get = OpportunityFeatureColumns.CategoricalGetter(f);
                var known = new BoundedCache<string>();
                return row => known.Get(get(row) ?? "", f, PhraseCategorical);
            }

            if (OpportunityFeatureColumns.IsNumeric(f))
            {
                var get = OpportunityFeatureColumns.NumericGetter(f);
                var known = new BoundedCache<float>();
                return row => known.Get(get(row), f, PhraseNumeric);
            }

            return _ => f;
        });
    }

    /// <summary>Phrases by value, at most <see cref="CachedPhrasesPerFeature"/>.</summary>
    private sealed class BoundedCache<TValue>
        where TValue : notnull
    {
        private readonly ConcurrentDictionary<TValue, string> _phrases = new();
        private int _count;

        public string Get(TValue value, string feature, Func<string, TValue, string> phrase)
        {
            if (_phrases.TryGetValue(value, out var known))
            {
                return known;
            }

            var made = phrase(feature, value);
            if (Volatile.Read(ref _count) < CachedPhrasesPerFeature && _phrases.TryAdd(value, made))
            {
                Interlocked.Increment(ref _count);
            }

            return made;
        }
    }

    public static string PhraseCategorical(string feature, string value)
    {
        var label = CategoricalLabels.TryGetValue(feature, out var l) ? l : Humanize(feature);
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"{label}: unknown";
        }

        return feature == "employee_band" ? $"{label}: {value} employees" : $"{label}: {value}";
    }

    public static string PhraseNumeric(string feature, float value)
    {
        ArgumentNullException.ThrowIfNull(feature);
        if (Counts.TryGetValue(feature, out var c))
        {
            var period = c.Period.Length == 0 ? "" : " " + c.Period;
            if (float.IsNaN(value) || value <= 0)
            {
                var none = float.IsNaN(value) ? "No data on " : "No ";
                return none + c.Many + period;
            }

            var n = Math.Round(value, 1);
            var count = n == Math.Floor(n) ? n.ToString("N0", Inv) : n.ToString("N1", Inv);
            return $"{count} {(n == 1 ? c.One : c.Many)}{period}";
        }

        return feature switch
        {
            "amount_usd" => float.IsNaN(value) || value <= 0 ? "Deal size not set" : "Deal size " + Money(value),
            "annual_revenue_usd" => float.IsNaN(value) ? "Annual revenue unknown" : "Annual revenue " + Money(value),
            "employee_count" => float.IsNaN(value) ? "Employee count unknown" : value.ToString("N0", Inv) + " employees",
            "is_paid_media" => float.IsNaN(value) ? "Source media unknown" : value > 0.5f ? "Sourced from paid media" : "Not sourced from paid media",
            "days_since_last_session" => float.IsNaN(value)
                ? "No web sessions from the account on record"
                : value < 1 ? "Web session from the account today" : $"Last web session from the account {value.ToString("N0", Inv)} day{(value >= 1.5f ? "s" : "")} ago",
            _ => float.IsNaN(value) ? $"{Humanize(feature)}: unknown" : $"{Humanize(feature)}: {value.ToString("0.##", Inv)}",
        };
    }

    /// <summary>"$120,000", "$12.5M", "$1.2B".</summary>
    public static string Money(double value) => value switch
    {
        >= 1e9 => "$" + (value / 1e9).ToString("0.#", Inv) + "B",
        >= 1e7 => "$" + (value / 1e6).ToString("0.#", Inv) + "M",
        _ => "$" + value.ToString("N0", Inv),
    };

    private static string Humanize(string feature)
    {
        var text = feature.Replace('_', ' ');
        return text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
    }
}
