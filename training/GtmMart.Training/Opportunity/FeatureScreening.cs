using GtmMart.Scoring.Features;
using GtmMart.Training.Evaluation;

namespace GtmMart.Training.Opportunity;

/// <summary>Drops constant, all-missing and leaking features before training (all measured on the training part).</summary>
internal static class FeatureScreening
{
    public static (List<string> Kept, List<DroppedFeature> Dropped) ScreenNumeric(
        IReadOnlyList<OpportunityFeatureRow> train, OpportunityFeatureCatalog catalog, IEnumerable<string> features, double leakageThreshold)
    {
        var kept = new List<string>();
        var dropped = new List<DroppedFeature>();
        var labels = train.Select(r => r.Label).ToArray();
        foreach (var f in features)
        {
            var index = catalog.IndexOf(f);
            var values = train.Select(r => r.Numbers[index]).ToArray();
            var present = values.Where(v => !float.IsNaN(v)).ToArray();
            if (present.Length == 0)
            {
                dropped.Add(new DroppedFeature(f, "all missing"));
                continue;
            }

            if (present.Length == values.Length && present.All(v => v.Equals(present[0])))
            {
                dropped.Add(new DroppedFeature(f, "constant"));
                continue;
            }

            // Missing ranks lowest, like "no activity".
            var auc = BinaryMetrics.Auc(values.Select(v => float.IsNaN(v) ? double.NegativeInfinity : v).ToArray(), labels);
            if (IsLeak(auc, leakageThreshold))
            {
                dropped.Add(new DroppedFeature(f, "leakage", auc));
                continue;
            }

            kept.Add(f);
        }

        return (kept, dropped);
    }

    /// <summary>Categoricals: AUC of an out-of-fold, smoothed target-rate encoding (in-sample rates would flatter many-valued columns).</summary>
    public static (List<string> Kept, List<DroppedFeature> Dropped) ScreenCategorical(
        IReadOnlyList<OpportunityFeatureRow> train, OpportunityFeatureCatalog catalog, IEnumerable<string> features, double leakageThreshold, int folds, int seed)
    {
        var kept = new List<string>();
        var dropped = new List<DroppedFeature>();
        var labels = train.Select(r => r.Label).ToArray();
        var fold = Folds.Assign(labels, folds, seed);
        var prior = labels.Length == 0 ? 0.5 : labels.Average(l => l ? 1.0 : 0.0);
        const double smoothing = 10;
        foreach (var f in features)
        {
            var index = catalog.IndexOf(f);
            var values = train.Select(r => r.Categories[index] ?? "").ToArray();
            if (values.Distinct(StringComparer.Ordinal).Count() <= 1)
            {
                dropped.Add(new DroppedFeature(f, "constant"));
                continue;
            }

            var encoded = new double[values.Length];
            for (var k = 0; k < folds; k++)
            {
                var stats = new Dictionary<string, (double Won, double N)>(StringComparer.Ordinal);
                for (var i = 0; i < values.Length; i++)
                {
                    if (fold[i] != k)
                    {
                        var s = stats.GetValueOrDefault(values[i]);
                        stats[values[i]] = (s.Won + (labels[i] ? 1 : 0), s.N + 1);
                    }
                }

                for (var i = 0; i < values.Length; i++)
                {
                    if (fold[i] == k)
                    {
                        var s = stats.GetValueOrDefault(values[i]);
                        encoded[i] = (s.Won + smoothing * prior) / (s.N + smoothing);
                    }
                }
            }

            var auc = BinaryMetrics.Auc(encoded, labels);
            if (IsLeak(auc, leakageThreshold))
            {
                dropped.Add(new DroppedFeature(f, "leakage", auc));
                continue;
            }

            kept.Add(f);
        }

        return (kept, dropped);
    }

    private static bool IsLeak(double auc, double threshold) => !double.IsNaN(auc) && (auc >= threshold || auc <= 1 - threshold);
}

internal static class Folds
{
    /// <summary>Stratified fold index per row: each class shuffled with <paramref name="seed"/> and dealt round-robin.</summary>
    public static int[] Assign(IReadOnlyList<bool> labels, int folds, int seed)
    {
        var fold = new int[labels.Count];
        var rng = new Random(seed);
        foreach (var cls in (bool[])[true, false])
        {
            var idx = Enumerable.Range(0, labels.Count).Where(i => labels[i] == cls).ToArray();
            rng.Shuffle(idx);
            for (var j = 0; j < idx.Length; j++)
            {
                fold[idx[j]] = j % folds;
            }
        }

        return fold;
    }
}
