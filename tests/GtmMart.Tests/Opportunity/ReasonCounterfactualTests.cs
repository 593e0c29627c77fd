using GtmMart.Scoring.Features;
using GtmMart.Scoring.Opportunity;
using GtmMart.Tests.Serving;
using GtmMart.Training.Export;
using GtmMart.Training.Opportunity;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit.Abstractions;

namespace GtmMart.Tests.Opportunity;

/// <summary>
/// Reasons agree with the model: for every reason of every open opportunity of a demo model (generated data taken
/// through the product), setting the reason's family to the typical deal's values moves the probability the other way,
/// by the stated contribution, as ML.NET's own model computes it. For the logistic regression and the boosted models (LightGBM, FastTree).
/// </summary>
[Collection(ServingTestGroup.Name)]
public sealed class ReasonCounterfactualTests(ServingFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [InlineData(OpportunityModelMetadata.LogisticRegression)]
    [InlineData(OpportunityModelMetadata.LightGbm)]
    [InlineData(OpportunityModelMetadata.FastTree)]
    public void Every_reason_of_every_open_opportunity_agrees_with_the_counterfactual(string algorithm)
    {
        var rows = FeatureSnapshot.ReadOpportunities(fixture.Snapshot);
        var trained = OpportunityModelTrainer.Train(rows, ServingFixture.Config.Opportunity with { Algorithm = algorithm, Folds = 3 });
        Assert.Equal(algorithm, trained.Algorithm);
        using var scorer = trained.CreateScorer();
        var typical = trained.Metadata.TypicalDeal!.ToRow(OpportunityFeatureCatalog.Default);

        var open = rows.Where(r => !r.IsClosed).ToList();
        var checks = new List<(OpportunityFeatureRow Row, OpportunityFactor Factor, OpportunityFeatureRow Counterfactual)>();
        foreach (var row in open)
        {
            var score = scorer.Score(row);
            var factors = score.TopPositive.Concat(score.TopNegative).ToList();
            Assert.Equal(factors.Count, factors.Select(f => f.Family).Distinct().Count());
            Assert.DoesNotContain(factors, f => score.Unknown.Any(u => u.Family == f.Family));
            checks.AddRange(factors.Select(f => (row, f, AtTypical(row, f.Family, typical))));
        }

        // ML.NET's probabilities of the deals and of their counterfactuals, one transform.
        var probabilities = Probabilities(trained.Model, [.. checks.Select(c => c.Row), .. checks.Select(c => c.Counterfactual)]);
        var disagreements = new List<string>();
        for (var i = 0; i < checks.Count; i++)
        {
            var (p, atTypical) = (probabilities[i], probabilities[checks.Count + i]);
            var (row, factor, _) = checks[i];
            var moved = Logit(p) - Logit(atTypical);
            if (Math.Sign(p - atTypical) != Math.Sign(factor.Contribution) || Math.Abs(moved - factor.Contribution) > 2e-3)
            {
                disagreements.Add($"{row.OpportunityId} {factor.Direction} {factor.Family} ({factor.Contribution:0.0000}): p {p:0.000000} at the typical deal {atTypical:0.000000} (log-odds {moved:0.0000})");
            }
        }

        output.WriteLine($"{algorithm}: {open.Count} open opportunities, {checks.Count} reasons checked ({checks.Count(c => c.Factor.Contribution > 0)} +, "
            + $"{checks.Count(c => c.Factor.Contribution < 0)} -), {disagreements.Count} disagreements");
        output.WriteLine("families: " + string.Join(", ", checks.GroupBy(c => c.Factor.Family).Select(g => $"{g.Key} {g.Count()}")));
        Assert.Empty(disagreements.Take(20));
        Assert.True(checks.Count >= 2 * open.Count, $"{checks.Count} reasons over {open.Count} open opportunities");
        Assert.True(checks.Select(c => c.Factor.Family).Distinct().Count() >= 5, "reasons come from several families");
    }

    [Fact]
    public void A_value_the_model_never_saw_is_unknown_never_a_reason()
    {
        var rows = FeatureSnapshot.ReadOpportunities(fixture.Snapshot);
        var trained = OpportunityModelTrainer.Train(rows, ServingFixture.Config.Opportunity with { Algorithm = OpportunityModelMetadata.LogisticRegression, Folds = 2 });
        using var scorer = trained.CreateScorer();
        var open = rows.Where(r => !r.IsClosed).Take(200).ToList();
        foreach (var (value, text) in new[] { ("Paid Search", "Unknown channel 'Paid Search'"), ("", "Channel not given"), ("Unknown", "Channel not given") })
        {
            foreach (var row in open)
            {
                var changed = row.Copy();
                changed["channel"] = value;
                var score = scorer.Score(changed);
                var unknown = Assert.Single(score.Unknown);
                Assert.Equal(new UnknownValue("channel", "channel", value, text), unknown);
                Assert.DoesNotContain(score.TopPositive.Concat(score.TopNegative), f => f.Family == "channel");
            }
        }
    }

    /// <summary>A copy of <paramref name="row"/> with the features of <paramref name="family"/> set to the typical deal's.</summary>
    private static OpportunityFeatureRow AtTypical(OpportunityFeatureRow row, string family, OpportunityFeatureRow typical)
    {
        var copy = row.Copy();
        foreach (var feature in OpportunityFeatureCatalog.Default.FamilyFeatures[family])
        {
            copy[feature.Name] = typical[feature.Name];
        }

        return copy;
    }

    private static float[] Probabilities(ITransformer model, IReadOnlyList<OpportunityFeatureRow> rows) =>
        [.. model.Transform(OpportunityDataView.Create(OpportunityFeatureCatalog.Default, rows)).GetColumn<float>(OpportunityFeatureColumns.Probability)];

    private static double Logit(double p) => Math.Log(p / (1 - p));
}
