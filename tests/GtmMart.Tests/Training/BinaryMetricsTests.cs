using GtmMart.Training.Evaluation;

namespace GtmMart.Tests.Training;

/// <summary>
/// <see cref="BinaryMetrics"/>: the one AUC of the code base (opportunity evaluation, feature screening, the ICP
/// trainer's holdout and cross-validation, the ground-truth comparison, the training benchmark).
/// </summary>
public sealed class BinaryMetricsTests
{
    [Fact]
    public void Metrics_match_hand_computed_values()
    {
        (float, bool)[] data = [(0.9f, true), (0.8f, true), (0.7f, false), (0.6f, true), (0.2f, false), (0.1f, false)];
        var m = BinaryMetrics.Compute(data);
        Assert.Equal(8.0 / 9, m.Auc, 10);
        Assert.Equal((1 + 1 + 0.75) / 3, m.PrAuc, 10);
        Assert.Equal((0.01 + 0.04 + 0.49 + 0.16 + 0.04 + 0.01) / 6, m.Brier, 6);
        Assert.Equal(0.5, m.BaseRate);
    }

    [Fact]
    public void Auc_orders_ties_by_half_and_is_undefined_with_one_class()
    {
        Assert.Equal(1.0, BinaryMetrics.Auc([1, 2, 3], [false, false, true]));
        Assert.Equal(0.0, BinaryMetrics.Auc([3, 2, 1], [false, false, true]));
        Assert.Equal(0.5, BinaryMetrics.Auc([1, 1], [false, true]));
        Assert.Equal(0.75, BinaryMetrics.Auc([1, 2, 2], [false, false, true]));
        Assert.True(double.IsNaN(BinaryMetrics.Auc([1, 2], [true, true])));
        Assert.True(double.IsNaN(BinaryMetrics.Auc([1, 2], [false, false])));
        Assert.True(double.IsNaN(BinaryMetrics.Auc([], [])));
    }

    [Theory]
    [InlineData(1, 50, 4)]
    [InlineData(2, 400, 20)]
    [InlineData(3, 2_000, 1_000)]
    public void Auc_is_the_share_of_positive_negative_pairs_ranked_right(int seed, int n, int distinctScores)
    {
        // Coarse scores make many ties; the rank-sum AUC must equal the pairwise definition (ties count one half).
#pragma warning disable CA5394 // Not security relevant: reproducible test data.
        var random = new Random(seed);
        var scores = Enumerable.Range(0, n).Select(_ => (double)random.Next(distinctScores)).ToArray();
        var labels = scores.Select(s => random.NextDouble() < 0.2 + (0.6 * s / distinctScores)).ToArray();
#pragma warning restore CA5394
        double right = 0;
        long pairs = 0;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                if (labels[i] && !labels[j])
                {
                    pairs++;
                    right += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }

        Assert.True(pairs > 0, "both classes drawn");
        Assert.Equal(right / pairs, BinaryMetrics.Auc(scores, labels), 12);
        Assert.Equal(right / pairs, BinaryMetrics.Compute([.. scores.Select((s, i) => ((float)s, labels[i]))]).Auc, 12);
    }
}
