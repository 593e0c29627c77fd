using System.Globalization;
using GtmMart.Scoring.Features;

namespace GtmMart.Scoring.Icp;

/// <summary>Shared math of training and scoring: vector encoding, score scales and reasons.</summary>
internal static class IcpEncoding
{
    public static float[] Encode(IcpVectorEncoding encoding, AccountFeatureRow row, int extraSlots = 0)
    {
        var vector = new float[encoding.Length + extraSlots];
        var i = 0;
        foreach (var c in encoding.Categoricals)
        {
            var value = IcpFeatureCatalog.CleanCategory(IcpFeatureCatalog.Categorical(c.Feature)(row));
            for (var k = 0; k < c.Values.Count; k++)
            {
                vector[i + k] = value is not null && string.Equals(c.Values[k], value, StringComparison.Ordinal)
                    ? (float)encoding.CategoricalScale
                    : 0f;
            }

            i += c.Values.Count;
        }

        foreach (var n in encoding.Numerics)
        {
            vector[i++] = (float)Standardise(IcpFeatureCatalog.LogValue(IcpFeatureCatalog.FirmographicNumeric(n.Feature)(row)), n.Mean, n.Std);
        }

        return vector;
    }

    public static double Standardise(double logValue, double mean, double std) =>
        double.IsNaN(logValue) || std <= 1e-12 ? 0 : (logValue - mean) / std;

    public static double BehaviourIndex(IcpBehaviourSpec spec, AccountFeatureRow row)
    {
        double sum = 0, totalWeight = 0;
        foreach (var f in spec.Features)
        {
            var raw = IcpFeatureCatalog.Behaviour(f.Feature)(row);
            var log = IcpFeatureCatalog.LogValue(float.IsNaN(raw) ? 0 : raw);
            sum += f.Weight * Standardise(log, f.Mean, f.Std);
            totalWeight += Math.Abs(f.Weight);
        }

        return totalWeight > 0 ? sum / totalWeight : 0;
    }

    /// <summary>Percentile (0-100) of <paramref name="x"/> against quantiles q[i] at i / (m - 1); ties get the mid rank.</summary>
    public static double PercentileOf(IReadOnlyList<double> quantiles, double x)
    {
        var m = quantiles.Count;
        if (m == 0)
        {
            return 50;
        }

        if (m == 1)
        {
            return x > quantiles[0] ? 100 : x < quantiles[0] ? 0 : 50;
        }

        var lo = LowerBound(quantiles, x); // first index with q >= x
        var hi = UpperBound(quantiles, x) - 1; // last index with q <= x
        double position;
        if (lo <= hi)
        {
            position = (lo + hi) / 2.0;
        }
        else if (hi < 0)
        {
            return 0;
        }
        else if (lo >= m)
        {
            return 100;
        }
        else
        {
            position = hi + ((x - quantiles[hi]) / (quantiles[lo] - quantiles[hi]));
        }

        return Math.Clamp(100.0 * position / (m - 1), 0, 100);
    }

    /// <summary>101 quantiles (0, 1, ..., 100 %) of the values, by linear interpolation.</summary>
    public static List<double> Quantiles(IEnumerable<double> values, int points = 101)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        var result = new List<double>(points);
        if (sorted.Length == 0)
        {
            return result;
        }

        for (var i = 0; i < points; i++)
        {
            var pos = (sorted.Length - 1) * (double)i / (points - 1);
            var a = (int)Math.Floor(pos);
            var b = Math.Min(a + 1, sorted.Length - 1);
            result.Add(sorted[a] + ((sorted[b] - sorted[a]) * (pos - a)));
        }

        return result;
    }

    public static double FitScore(IcpFitSpec fit, double probability)
    {
        if (!fit.Trained)
        {
            return fit.NeutralScore;
        }

        static double Odds(double p)
        {
            p = Math.Clamp(p, 1e-6, 1 - 1e-6);
            return p / (1 - p);
        }

        var score = 50 + (fit.PointsPerOddsDoubling * Math.Log2(Odds(probability) / Odds(fit.BaseRate)));
        return Math.Clamp(score, 0, 100);
    }

    /// <summary>
    /// Top reasons: contribution of each source feature = Σ weight × (slot value − slot mean) over its slots,
    /// phrased with the account's value and the direction of the effect.
    /// </summary>
    public static List<string> Reasons(IcpFitSpec fit, AccountFeatureRow row, float[] vector, int top = 3)
    {
        if (!fit.Trained)
        {
            return ["No fit model: firmographics unavailable, neutral fit assigned"];
        }

        var contributions = new List<(double Value, string Text)>();
        var i = 0;
        foreach (var c in fit.Encoding.Categoricals)
        {
            double sum = 0;
            for (var k = 0; k < c.Values.Count; k++, i++)
            {
                sum += fit.Weights[i] * (vector[i] - fit.SlotMeans[i]);
            }

            var raw = IcpFeatureCatalog.Categorical(c.Feature)(row);
            var value = IcpFeatureCatalog.CleanCategory(raw);
            var known = value is not null && c.Values.Contains(value, StringComparer.Ordinal);
            contributions.Add((sum, PhraseCategorical(c.Feature, value, known) + Effect(sum)));
        }

        foreach (var n in fit.Encoding.Numerics)
        {
            var contribution = fit.Weights[i] * (vector[i] - fit.SlotMeans[i]);
            var label = NumericLabel(n.Feature);
            var text = vector[i] > 0.25 ? $"{label} above typical"
                : vector[i] < -0.25 ? $"{label} below typical"
                : double.IsNaN(IcpFeatureCatalog.LogValue(IcpFeatureCatalog.FirmographicNumeric(n.Feature)(row))) ? $"{label} unknown"
                : $"{label} typical";
            contributions.Add((contribution, text + Effect(contribution)));
            i++;
        }

        var reasons = contributions
            .Where(c => Math.Abs(c.Value) > 1e-4)
            .OrderByDescending(c => Math.Abs(c.Value))
            .Take(top)
            .Select(c => c.Text)
            .ToList();
        return reasons.Count > 0 ? reasons : ["Typical firmographics (no strong fit signal)"];
    }

    private static string Effect(double contribution) => contribution >= 0 ? " (wins more often)" : " (wins less often)";

    private static string PhraseCategorical(string feature, string? value, bool known)
    {
        var shown = value is null ? "unknown" : known ? value : $"{value} (rare)";
        return feature switch
        {
            "employee_band" => value is null ? "Company size unknown" : $"{shown} employees",
            "industry" => $"Industry: {shown}",
            "region" => $"Region: {shown}",
            "country" => $"Country: {shown}",
            _ => string.Create(CultureInfo.InvariantCulture, $"{feature}: {shown}"),
        };
    }

    private static string NumericLabel(string feature) => feature switch
    {
        "employee_count" => "Employee count",
        "annual_revenue_usd" => "Annual revenue",
        IcpFeatureCatalog.RevenuePerEmployee => "Revenue per employee",
        _ => feature,
    };

    private static int LowerBound(IReadOnlyList<double> a, double x)
    {
        int lo = 0, hi = a.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (a[mid] < x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static int UpperBound(IReadOnlyList<double> a, double x)
    {
        int lo = 0, hi = a.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (a[mid] <= x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
