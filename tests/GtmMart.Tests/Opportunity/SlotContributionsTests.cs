using GtmMart.Scoring.Opportunity;
using GtmMart.Training.Opportunity;
using Xunit;

namespace GtmMart.Tests.Opportunity;

/// <summary>
/// The scorer computes each slot's contribution from the featurized vector instead of running ML.NET's
/// feature-contribution transform; on trained models of both kinds every score must come out as with that transform.
/// </summary>
public sealed class SlotContributionsTests
{
    [Theory]
    [InlineData("FastTree")]
    [InlineData("LbfgsLogisticRegression")]
    public void Computed_contributions_give_the_factors_of_the_ml_net_transform(string algorithm)
    {
        var data = SyntheticOpportunities.Generate(5_000, seed: 5);
        var trained = OpportunityModelTrainer.Train(
            [.. data.Select(d => d.Row)],
            new OpportunityTrainingOptions { Algorithm = algorithm, Folds = 3, FastTree = new FastTreeSettings { NumberOfTrees = 60 } });
        using var fast = trained.CreateScorer();
        using var reference = OpportunityScorer.WithModelContributions(trained.Model, trained.Metadata);
        Assert.True(fast.ComputesContributions);
        Assert.False(reference.ComputesContributions);
        Assert.True(fast.FeaturizesInProcess);

        // The reference scores its 5,000 rows through one DataView (above DataViewBatch); the fast scorer featurizes in
        // process, as a batch and, for the first 600, one row at a time.
        var rows = data.Select(d => d.Row).ToList();
        Assert.True(rows.Count >= OpportunityScorer.DataViewBatch);
        var expected = reference.ScoreBatch(rows);
        var batch = fast.ScoreBatch(rows);
        var single = rows.Take(600).Select(fast.Score).ToList();
        var factors = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            foreach (var actual in i < single.Count ? new[] { batch[i], single[i] } : [batch[i]])
            {
                Assert.Equal(expected[i].Probability, actual.Probability, 1e-6);
                Assert.Equal(expected[i].Score, actual.Score);
                AssertSameFactors(expected[i].TopPositive, actual.TopPositive);
                AssertSameFactors(expected[i].TopNegative, actual.TopNegative);
            }

            factors += expected[i].TopPositive.Count + expected[i].TopNegative.Count;
        }

        Assert.True(factors > rows.Count * 3, $"the comparison covers factors ({factors} over {rows.Count} rows)");
    }

    private static void AssertSameFactors(IReadOnlyList<OpportunityFactor> expected, IReadOnlyList<OpportunityFactor> actual)
    {
        Assert.Equal(expected.Select(f => f.Feature), actual.Select(f => f.Feature));
        Assert.Equal(expected.Select(f => f.Text), actual.Select(f => f.Text));
        for (var k = 0; k < expected.Count; k++)
        {
            Assert.Equal(expected[k].Contribution, actual[k].Contribution, 1e-4);
        }
    }
}
