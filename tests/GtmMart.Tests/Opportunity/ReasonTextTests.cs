using GtmMart.Scoring.Opportunity;
using GtmMart.Training.Opportunity;

namespace GtmMart.Tests.Opportunity;

/// <summary>
/// A reason's text depends on the row's values only: the scorer keeps its texts by the values they phrase (known
/// categories by their number, numbers by their value), so a key that mixed two values up would give one row
/// another's text depending on which was phrased first. Two scorers of one model, each with its own texts, phrase the
/// same rows in opposite orders and must agree on every reason.
/// </summary>
public sealed class ReasonTextTests
{
    [Fact]
    public void Every_reason_reads_the_same_whatever_was_phrased_before()
    {
        var rows = SyntheticOpportunities.Generate(2_000, seed: 23).Select(d => d.Row).ToList();
        var trained = OpportunityModelTrainer.Train(rows, new OpportunityTrainingOptions { Algorithm = OpportunityModelMetadata.LogisticRegression, Folds = 2 });
        using var forward = trained.CreateScorer();
        using var backward = trained.CreateScorer();
        Assert.True(forward.GivesReasons);

        var first = rows.Select(forward.Score).ToList();
        var second = Enumerable.Range(0, rows.Count).Reverse().Select(i => (Index: i, Score: backward.Score(rows[i]))).OrderBy(s => s.Index).Select(s => s.Score).ToList();

        var texts = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            var expected = first[i].TopPositive.Concat(first[i].TopNegative).Select(f => (f.Family, f.Feature, f.Text)).ToList();
            var actual = second[i].TopPositive.Concat(second[i].TopNegative).Select(f => (f.Family, f.Feature, f.Text)).ToList();
            Assert.Equal(expected, actual);
            texts.UnionWith(expected.Select(f => f.Text));
        }

        // The texts compared phrase many values, categories and numbers, one and two features a family.
        Assert.True(texts.Count > 100, $"{texts.Count} distinct reason texts");
        Assert.Contains(texts, t => t.StartsWith("Channel: ", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("; ", StringComparison.Ordinal));
    }
}
