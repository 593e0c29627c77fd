namespace GtmMart.Training.Evaluation;

/// <summary>Metrics of calibrated probabilities against outcomes. NaN when undefined (e.g. AUC with one class).</summary>
public sealed record BinaryMetricsResult
{
    public int Count { get; init; }

    public int Positives { get; init; }

    public double BaseRate { get; init; }

    /// <summary>ROC AUC (ties count one half).</summary>
    public double Auc { get; init; }

    /// <summary>Area under the precision-recall curve as average precision (tied scores form one step).</summary>
    public double PrAuc { get; init; }

    /// <summary>Mean negative log-likelihood (natural log), probabilities clamped to [1e-15, 1 - 1e-15].</summary>
    public double LogLoss { get; init; }

    public double Brier { get; init; }

    /// <summary>Expected calibration error over 10 equal-width probability bins.</summary>
    public double Ece { get; init; }

    /// <summary>Win rate of each decile (highest probabilities first) divided by the base rate.</summary>
    public IReadOnlyList<double> LiftByDecile { get; init; } = [];
}

/// <summary>Binary classification metrics computed in plain C# (so the model and the true probabilities compare alike).</summary>
public static class BinaryMetrics
{
    public const int CalibrationBins = 10;

    public static BinaryMetricsResult Compute(IReadOnlyList<(float p, bool y)> predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var n = predictions.Count;
        if (n == 0)
        {
            return new BinaryMetricsResult { Auc = double.NaN, PrAuc = double.NaN, LogLoss = double.NaN, Brier = double.NaN, Ece = double.NaN, BaseRate = double.NaN };
        }

        var positives = predictions.Count(x => x.y);
        var baseRate = (double)positives / n;

        double logLoss = 0, brier = 0;
        var binSum = new double[CalibrationBins];
        var binPos = new double[CalibrationBins];
        var binCount = new int[CalibrationBins];
        foreach (var (p, y) in predictions)
        {
            var q = Math.Clamp((double)p, 1e-15, 1 - 1e-15);
            logLoss -= y ? Math.Log(q) : Math.Log(1 - q);
            var e = p - (y ? 1.0 : 0.0);
            brier += e * e;
            var bin = Math.Clamp((int)(p * CalibrationBins), 0, CalibrationBins - 1);
            binSum[bin] += p;
            binPos[bin] += y ? 1 : 0;
            binCount[bin]++;
        }

        double ece = 0;
        for (var b = 0; b < CalibrationBins; b++)
        {
            if (binCount[b] > 0)
            {
                ece += Math.Abs(binSum[b] / binCount[b] - binPos[b] / binCount[b]) * binCount[b] / n;
            }
        }

        // Highest probability first; ties keep input order so deciles are deterministic.
        var order = Enumerable.Range(0, n).OrderByDescending(i => predictions[i].p).ThenBy(i => i).ToArray();
        var lift = new double[10];
        for (var d = 0; d < 10; d++)
        {
            int from = d * n / 10, to = (d + 1) * n / 10;
            var wins = 0;
            for (var k = from; k < to; k++)
            {
                wins += predictions[order[k]].y ? 1 : 0;
            }

            lift[d] = to > from && baseRate > 0 ? (double)wins / (to - from) / baseRate : double.NaN;
        }

        return new BinaryMetricsResult
        {
            Count = n,
            Positives = positives,
            BaseRate = baseRate,
            Auc = Auc(predictions.Select(x => (double)x.p).ToArray(), predictions.Select(x => x.y).ToArray()),
            PrAuc = AveragePrecision(predictions, order, positives),
            LogLoss = logLoss / n,
            Brier = brier / n,
            Ece = ece,
            LiftByDecile = lift,
        };
    }

    /// <summary>ROC AUC by the rank-sum (Mann-Whitney) statistic with average ranks for ties; NaN with one class.</summary>
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        var n = scores.Count;
        var order = Enumerable.Range(0, n).OrderBy(i => scores[i]).ToArray();
        double rankSumPos = 0;
        long pos = 0;
        var i0 = 0;
        while (i0 < n)
        {
            var i1 = i0;
            while (i1 + 1 < n && scores[order[i1 + 1]].Equals(scores[order[i0]]))
            {
                i1++;
            }

            var avgRank = (i0 + i1) / 2.0 + 1;
            for (var k = i0; k <= i1; k++)
            {
                if (labels[order[k]])
                {
                    rankSumPos += avgRank;
                    pos++;
                }
            }

            i0 = i1 + 1;
        }

        var neg = n - pos;
        return pos == 0 || neg == 0 ? double.NaN : (rankSumPos - pos * (pos + 1) / 2.0) / ((double)pos * neg);
    }

    private static double AveragePrecision(IReadOnlyList<(float p, bool y)> predictions, int[] order, int positives)
    {
        if (positives == 0)
        {
            return double.NaN;
        }

        double ap = 0, previousRecall = 0;
        int tp = 0, seen = 0, i0 = 0;
        while (i0 < order.Length)
        {
            var i1 = i0;
            while (i1 + 1 < order.Length && predictions[order[i1 + 1]].p.Equals(predictions[order[i0]].p))
            {
                i1++;
            }

            for (var k = i0; k <= i1; k++)
            {
                tp += predictions[order[k]].y ? 1 : 0;
                seen++;
            }

            var recall = (double)tp / positives;
            ap += (recall - previousRecall) * tp / seen;
            previousRecall = recall;
            i0 = i1 + 1;
        }

        return ap;
    }
}

/// <summary>Mean over folds with a normal-approximation 95% confidence interval (mean ± 1.96·sd/√k).</summary>
public sealed record MetricInterval(double Mean, double StdDev, double Lower, double Upper, int Folds)
{
    public static MetricInterval From(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var valid = values.Where(v => !double.IsNaN(v)).ToArray();
        if (valid.Length == 0)
        {
            return new MetricInterval(double.NaN, double.NaN, double.NaN, double.NaN, 0);
        }

        var mean = valid.Average();
        var sd = valid.Length > 1 ? Math.Sqrt(valid.Sum(v => (v - mean) * (v - mean)) / (valid.Length - 1)) : 0;
        var half = 1.96 * sd / Math.Sqrt(valid.Length);
        return new MetricInterval(mean, sd, mean - half, mean + half, valid.Length);
    }

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Mean:0.0000} [{Lower:0.0000}, {Upper:0.0000}]");
}
