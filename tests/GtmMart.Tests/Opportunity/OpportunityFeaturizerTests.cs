using GtmMart.Scoring.Features;
using GtmMart.Scoring.Opportunity;
using GtmMart.Training.Opportunity;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace GtmMart.Tests.Opportunity;

/// <summary>
/// The scorer featurizes rows in process instead of through ML.NET's prediction engine; the vector must be ML.NET's,
/// bit for bit, for ordinary rows and for the awkward ones (missing numbers, unseen, empty and null categories,
/// negative and huge values), and a featurizer of another layout must be declined rather than guessed at.
/// </summary>
public sealed class OpportunityFeaturizerTests
{
    private static readonly MLContext Ml = new(seed: 0);

    [Fact]
    public void The_in_process_vector_is_ml_nets_bit_for_bit()
    {
        var rows = SyntheticOpportunities.Generate(3_000, seed: 11).Select(d => d.Row).ToList();
        var trained = OpportunityModelTrainer.Train(rows, new OpportunityTrainingOptions { Algorithm = OpportunityModelMetadata.LogisticRegression, Folds = 2 });
        var featurizer = ((IEnumerable<ITransformer>)trained.Model).First();
        var compiled = OpportunityFeaturizer.TryCreate(Ml, featurizer, OpportunityFeatureCatalog.Default);
        Assert.NotNull(compiled);

        var rng = new Random(3);
        var awkward = rows.Take(1_000).Select(r => Awkward(r, rng)).ToList();
        var all = rows.Concat(awkward).ToList();
        var expected = Ml.Data.CreateEnumerable<Vector>(featurizer.Transform(OpportunityDataView.Create(OpportunityFeatureCatalog.Default, all)), reuseRowObject: false).ToList();
        Assert.Equal(all.Count, expected.Count);
        var actual = new float[compiled.Slots];
        var nonZero = 0;
        for (var i = 0; i < all.Count; i++)
        {
            compiled.Featurize(all[i], actual);
            Assert.True(expected[i].Features.AsSpan().SequenceEqual(actual), $"row {i}: ML.NET [{string.Join(", ", expected[i].Features)}] vs [{string.Join(", ", actual)}]");
            nonZero += actual.Count(v => v != 0);
        }

        Assert.True(nonZero > all.Count * 5, $"the vectors compared carry values ({nonZero} non-zero slots over {all.Count} rows)");
        Assert.Contains(awkward, r => float.IsNaN(r["amount_usd"].Number));
    }

    [Fact]
    public void A_featurizer_of_another_layout_is_declined()
    {
        var rows = SyntheticOpportunities.Generate(500, seed: 2).Select(d => d.Row).ToList();
        var data = OpportunityDataView.Create(OpportunityFeatureCatalog.Default, rows);

        // Min-max scaling instead of binning, and a transform the featurizer does not know (hashing), each alone.
        var minMax = Ml.Transforms.Concatenate(OpportunityFeatureColumns.Features, "amount_usd", "sessions_30d")
            .Append(Ml.Transforms.NormalizeMinMax(OpportunityFeatureColumns.Features)).Fit(data);
        var hashed = Ml.Transforms.Categorical.OneHotHashEncoding("cat__channel", "channel")
            .Append(Ml.Transforms.Concatenate(OpportunityFeatureColumns.Features, "cat__channel", "amount_usd"))
            .Append(Ml.Transforms.NormalizeBinning(OpportunityFeatureColumns.Features)).Fit(data);
        var binned = Ml.Transforms.Concatenate(OpportunityFeatureColumns.Features, "amount_usd", "sessions_30d")
            .Append(Ml.Transforms.NormalizeBinning(OpportunityFeatureColumns.Features)).Fit(data);

        Assert.Null(OpportunityFeaturizer.TryCreate(Ml, minMax, OpportunityFeatureCatalog.Default));
        Assert.Null(OpportunityFeaturizer.TryCreate(Ml, hashed, OpportunityFeatureCatalog.Default));

        // Plain column names (no num__ prefix) are not the trainer's layout either.
        Assert.Null(OpportunityFeaturizer.TryCreate(Ml, binned, OpportunityFeatureCatalog.Default));
    }

    [Theory]
    [InlineData(OpportunityModelMetadata.LightGbm)]
    [InlineData(OpportunityModelMetadata.FastTree)]
    [InlineData(OpportunityModelMetadata.LogisticRegression)]
    public void Trained_models_of_both_kinds_are_featurized_in_process(string algorithm)
    {
        var rows = SyntheticOpportunities.Generate(1_500, seed: 4).Select(d => d.Row).ToList();
        var trained = OpportunityModelTrainer.Train(
            rows, new OpportunityTrainingOptions { Algorithm = algorithm, Folds = 2, Boosting = new BoostingSettings { NumberOfTrees = 20 } });
        using var scorer = trained.CreateScorer();
        Assert.True(scorer.FeaturizesInProcess);
        Assert.True(scorer.GivesReasons);
    }

    /// <summary>A copy of <paramref name="row"/> with some numbers missing, negative or huge and some categories unseen, empty or null.</summary>
    private static OpportunityFeatureRow Awkward(OpportunityFeatureRow row, Random rng)
    {
        var copy = new OpportunityFeatureRow { OpportunityId = row.OpportunityId, AccountId = row.AccountId };
        for (var i = 0; i < row.Numbers.Length; i++)
        {
            var value = row.Numbers[i];
            copy.Numbers[i] = rng.Next(6) switch
            {
                0 => float.NaN,
                1 => -value - 1,
                2 => value * 1e6f,
                _ => value,
            };
        }

        for (var i = 0; i < row.Categories.Length; i++)
        {
            var value = row.Categories[i];
            copy.Categories[i] = rng.Next(6) switch
            {
                0 => "Never seen in training",
                1 => "",
                2 => null!,
                3 => value.ToUpperInvariant(),
                _ => value,
            };
        }

        return copy;
    }

    private sealed class Vector
    {
        public float[] Features { get; set; } = [];
    }
}
