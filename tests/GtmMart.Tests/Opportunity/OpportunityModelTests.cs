using System.Text.Json;
using GtmMart.Scoring.Features;
using GtmMart.Scoring.Opportunity;
using GtmMart.Tests.Support;
using GtmMart.Training.Evaluation;
using GtmMart.Training.Opportunity;
using Xunit.Abstractions;

namespace GtmMart.Tests.Opportunity;

/// <summary>One 20k-row training with the default options, shared by the tests that need a realistic model.</summary>
public sealed class TrainedOpportunityModel
{
    public TrainedOpportunityModel()
    {
        Data = SyntheticOpportunities.Generate(20_000, seed: 11);
        // Default options except 100 trees (instead of 200) to keep the suite fast.
        Result = OpportunityModelTrainer.Train([.. Data.Select(d => d.Row)], new OpportunityTrainingOptions { Boosting = new BoostingSettings { NumberOfTrees = 100 } });
    }

    public List<SyntheticOpportunity> Data { get; }

    public OpportunityTrainingResult Result { get; }
}

public sealed class OpportunityModelTests(TrainedOpportunityModel trained, ITestOutputHelper output) : IClassFixture<TrainedOpportunityModel>
{
    [Fact]
    public void Holdout_auc_is_near_the_true_probability_auc_and_calibrated()
    {
        var r = trained.Result;
        var truth = trained.Data.ToDictionary(d => d.Row.OpportunityId, d => d.TrueProbability);
        var ceiling = BinaryMetrics.Compute([.. r.HoldoutPredictions.Select(h => ((float)truth[h.OpportunityId], h.Won))]);
        output.WriteLine($"algorithm {r.Algorithm}: {r.AlgorithmReason}");
        output.WriteLine($"holdout n={r.Holdout.Count} AUC {r.Holdout.Auc:0.0000} (truth {ceiling.Auc:0.0000}) PR-AUC {r.Holdout.PrAuc:0.0000} (truth {ceiling.PrAuc:0.0000}) " +
            $"log loss {r.Holdout.LogLoss:0.0000} (truth {ceiling.LogLoss:0.0000}) Brier {r.Holdout.Brier:0.0000} ECE {r.Holdout.Ece:0.0000} (truth {ceiling.Ece:0.0000})");
        output.WriteLine($"lift by decile {string.Join(" ", r.Holdout.LiftByDecile.Select(l => l.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)))}");
        output.WriteLine($"CV FastTree AUC {r.BoostedCrossValidation.Auc} train {r.BoostedCrossValidation.TrainAuc:0.0000}; LR AUC {r.LogisticRegressionCrossValidation.Auc} train {r.LogisticRegressionCrossValidation.TrainAuc:0.0000}");
        output.WriteLine($"dropped: {string.Join(", ", r.DroppedFeatures.Select(d => $"{d.Feature} ({d.Reason})"))}");

        Assert.InRange(r.Holdout.Auc, ceiling.Auc - 0.03, ceiling.Auc + 0.01);
        Assert.True(r.Holdout.Ece <= 0.05, $"ECE {r.Holdout.Ece}");
        Assert.True(r.Holdout.LiftByDecile[0] > 1.3 && r.Holdout.LiftByDecile[^1] < 0.7);
        Assert.InRange(r.CrossValidation.Auc.Mean, r.CrossValidation.Auc.Lower, r.CrossValidation.Auc.Upper);
        Assert.Equal(0.2, (double)r.HoldoutWindow.Rows / (r.HoldoutWindow.Rows + r.Train.Rows), 2);
        Assert.True(r.HoldoutWindow.From >= r.Train.To);
        Assert.Empty(r.Warnings);
    }

    [Fact]
    public void Batch_scores_equal_single_row_scores_and_parallel_calls_equal_sequential_ones()
    {
        using var scorer = trained.Result.CreateScorer();
        var rows = trained.Data.Take(400).Select(d => d.Row).ToList();
        var sequential = rows.Select(scorer.Score).ToList();
        var parallel = new OpportunityScore[rows.Count];
        Parallel.For(0, rows.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => parallel[i] = scorer.Score(rows[i]));
        // Above DataViewBatch: one DataView transform when ML.NET featurizes, row by row when featurized in process.
        var batch = scorer.ScoreBatch([.. Enumerable.Range(0, OpportunityScorer.DataViewBatch).Select(i => rows[i % rows.Count])]);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(sequential[i].Probability, parallel[i].Probability);
            Assert.Equal(sequential[i].TopPositive, parallel[i].TopPositive);
            Assert.Equal(sequential[i].Probability, batch[i].Probability);
            Assert.Equal(sequential[i].OpportunityId, batch[i].OpportunityId);
            Assert.Equal(sequential[i].TopPositive.Select(f => f.Feature), batch[i].TopPositive.Select(f => f.Feature));
        }
    }

    [Fact]
    public void Factors_follow_the_true_model_for_a_strong_deal()
    {
        using var scorer = trained.Result.CreateScorer();
        var row = trained.Data.Select(d => d.Row).First(r => r["channel"].Text == "Partner" && r["sessions_30d"].Number >= 8 && r["demo_visits_30d"].Number >= 2);
        var score = scorer.Score(row);
        output.WriteLine($"{score.Score}: + {string.Join("; ", score.TopPositive.Select(f => f.Text))} | - {string.Join("; ", score.TopNegative.Select(f => f.Text))}");
        Assert.True(score.Score >= 50);
        Assert.Contains(score.TopPositive, f => f.Family is "channel" or "web_engagement" or "intent_pages" or "forms" or "senior_engagement");
        // Partner is the best channel of the true model: never a reason against, and phrased against the typical deal.
        Assert.DoesNotContain(score.TopNegative, f => f.Family == "channel");
        Assert.All(score.TopPositive.Where(f => f.Family == "channel"), f => Assert.StartsWith("Channel: Partner (typical deal: ", f.Text, StringComparison.Ordinal));
    }

    [Fact]
    public void Options_round_trip_through_json()
    {
        var options = new OpportunityTrainingOptions { Folds = 3, Boosting = new BoostingSettings { NumberOfTrees = 99 }, NumericFeatures = ["sessions_30d"] };
        var back = JsonSerializer.Deserialize<OpportunityTrainingOptions>(JsonSerializer.Serialize(options))!;
        Assert.Equal(3, back.Folds);
        Assert.Equal(99, back.Boosting.NumberOfTrees);
        Assert.Equal(["sessions_30d"], back.NumericFeatures);
        Assert.Equal(options.CategoricalFeatures, back.CategoricalFeatures);
    }
}

/// <summary>Trainings on their own small data sets (a separate class so xUnit runs it beside the 20k fixture).</summary>
public sealed class OpportunityTrainerEdgeCaseTests(ITestOutputHelper output)
{
    // Plumbing, not model quality: 40 trees of the full size (no small-data stumps) so factors come from several families.
    private static readonly OpportunityTrainingOptions Quick = new() { Boosting = new BoostingSettings { NumberOfTrees = 40, SmallData = null } };

    [Theory]
    [InlineData(OpportunityModelMetadata.LightGbm)]
    [InlineData(OpportunityModelMetadata.FastTree)]
    public void Same_rows_and_seed_give_identical_metrics(string booster)
    {
        var rows = SyntheticOpportunities.Generate(1_200, seed: 3).Select(d => d.Row).ToList();
        var a = OpportunityModelTrainer.Train(rows, Quick with { Algorithm = booster, Folds = 3 });
        var b = OpportunityModelTrainer.Train(rows, Quick with { Algorithm = booster, Folds = 3 });
        Assert.Equal(a.Holdout.Auc, b.Holdout.Auc);
        Assert.Equal(a.Holdout.LogLoss, b.Holdout.LogLoss);
        Assert.Equal(a.BoostedCrossValidation, b.BoostedCrossValidation);
        Assert.Equal(a.LogisticRegressionCrossValidation, b.LogisticRegressionCrossValidation);
        Assert.Equal(a.HoldoutPredictions, b.HoldoutPredictions);
    }

    [Theory]
    [InlineData(OpportunityModelMetadata.LightGbm)]
    [InlineData(OpportunityModelMetadata.FastTree)]
    public void Through_ml_nets_featurizer_a_tree_model_scores_as_in_process_in_a_DataView_batch_and_row_by_row(string booster)
    {
        var rows = SyntheticOpportunities.Generate(1_200, seed: 4).Select(d => d.Row).ToList();
        var trained = OpportunityModelTrainer.Train(rows, Quick with { Algorithm = booster, Folds = 3 });
        using var inProcess = trained.CreateScorer();
        using var mlNet = OpportunityScorer.WithMlNetFeaturizer(trained.Model, trained.Metadata);
        Assert.Equal(booster, mlNet.Algorithm);
        Assert.True(inProcess.FeaturizesInProcess);
        Assert.False(mlNet.FeaturizesInProcess);
        // Above DataViewBatch, so ML.NET featurizes the batch in one DataView transform (rows repeat; ids are not keys here).
        var batch = Enumerable.Range(0, OpportunityScorer.DataViewBatch + 100).Select(i => rows[i % rows.Count]).ToList();

        var expected = inProcess.ScoreBatch(batch);
        var together = mlNet.ScoreBatch(batch);
        var oneByOne = batch.Select(mlNet.Score).ToList();

        for (var i = 0; i < batch.Count; i++)
        {
            foreach (var actual in new[] { together[i], oneByOne[i] })
            {
                Assert.Equal(expected[i].OpportunityId, actual.OpportunityId);
                // The same vector (ML.NET's featurizer, or the in-process one checked against it) and the same head: bit for bit.
                Assert.Equal(expected[i].Probability, actual.Probability);
                Assert.Equal(expected[i].TopPositive, actual.TopPositive);
                Assert.Equal(expected[i].TopNegative, actual.TopNegative);
                Assert.Equal(expected[i].Unknown, actual.Unknown);
            }
        }
    }

    [Fact]
    public void FastTree_takes_its_own_feature_fraction_and_LightGbm_keeps_the_shared_one()
    {
        var config = ProductData.DefaultConfig.Opportunity;
        Assert.Equal(0.1, config.Boosting.FastTreeFeatureFraction);
        Assert.Equal(1, config.Boosting.FeatureFraction);
        Assert.Equal(0.1, OpportunityFits.FastTreeOptions(config, threads: 1, earlyStopping: true).FeatureFraction);

        var rows = SyntheticOpportunities.Generate(300, seed: 6).Select(d => d.Row).ToList();
        foreach (var fraction in new[] { 0.0, 1.5 })
        {
            var error = Assert.Throws<ArgumentException>(() => OpportunityModelTrainer.Train(rows, Quick with { Boosting = Quick.Boosting with { FastTreeFeatureFraction = fraction } }));
            Assert.Contains("FastTreeFeatureFraction must be in (0, 1]", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Leaky_constant_and_all_missing_features_are_reported_and_excluded()
    {
        var rows = SyntheticOpportunities.Generate(3_000, seed: 5, leakyAmount: true, constantFeature: true, allNaNFeature: true)
            .Select(d => d.Row).ToList();
        var r = OpportunityModelTrainer.Train(rows, Quick);

        var leak = Assert.Single(r.DroppedFeatures, d => d.Feature == "amount_usd");
        Assert.Equal("leakage", leak.Reason);
        Assert.True(leak.UnivariateAuc >= 0.95);
        Assert.Contains(r.Warnings, w => w.Contains("amount_usd", StringComparison.Ordinal) && w.Contains("Leakage", StringComparison.Ordinal));
        Assert.Equal("constant", Assert.Single(r.DroppedFeatures, d => d.Feature == "prior_opportunities").Reason);
        Assert.Equal("all missing", Assert.Single(r.DroppedFeatures, d => d.Feature == "annual_revenue_usd").Reason);
        Assert.DoesNotContain("amount_usd", r.FeaturesUsed);
        Assert.DoesNotContain("prior_opportunities", r.FeaturesUsed);
        Assert.DoesNotContain("annual_revenue_usd", r.FeaturesUsed);
        Assert.Contains("sessions_30d", r.FeaturesUsed);
        Assert.InRange(r.Holdout.Auc, 0.6, 0.94);
    }

    [Fact]
    public void Small_data_trains_warns_reports_intervals_and_explains_the_choice()
    {
        var rows = SyntheticOpportunities.Generate(167, seed: 9).Select(d => d.Row).ToList();
        var r = OpportunityModelTrainer.Train(rows, new OpportunityTrainingOptions());
        output.WriteLine($"{r.Won}+{r.Lost} closed; {r.Algorithm}: {r.AlgorithmReason}; CV AUC {r.CrossValidation.Auc}");

        Assert.InRange(r.Won + r.Lost, 140, 160);
        Assert.Contains(r.Warnings, w => w.Contains("Few examples", StringComparison.Ordinal));
        Assert.All((MetricInterval[])[r.CrossValidation.Auc, r.CrossValidation.PrAuc, r.CrossValidation.LogLoss], i =>
        {
            Assert.Equal(5, i.Folds);
            Assert.True(i.Lower <= i.Mean && i.Mean <= i.Upper && i.Upper > i.Lower);
        });
        Assert.False(string.IsNullOrWhiteSpace(r.AlgorithmReason));
        if (OpportunityModelMetadata.IsBoosted(r.Algorithm))
        {
            // Only acceptable when the linear model was clearly worse and the booster did not overfit.
            Assert.True(r.LogisticRegressionCrossValidation.Auc.Mean < r.BoostedCrossValidation.Auc.Mean - 0.005);
            Assert.True(r.BoostedCrossValidation.TrainAuc - r.BoostedCrossValidation.Auc.Mean <= 0.1);
        }
    }

    [Theory]
    [InlineData("LightGbm")]
    [InlineData("FastTree")]
    [InlineData("LbfgsLogisticRegression")]
    public void Saved_model_loads_with_the_same_probabilities_and_factors(string algorithm)
    {
        var data = SyntheticOpportunities.Generate(2_000, seed: 21);
        var r = OpportunityModelTrainer.Train([.. data.Select(d => d.Row)], Quick with { Algorithm = algorithm });
        Assert.Equal(algorithm, r.Algorithm);
        using var dir = new TempDirectory();
        r.Save(dir.File("opportunity.zip"));

        var sample = data.Take(200).Select(d => d.Row).ToList();
        using var inMemory = r.CreateScorer();
        using var loaded = OpportunityScorer.Load(dir.File("opportunity.zip"));
        Assert.Equal(algorithm, loaded.Algorithm);
        Assert.NotNull(loaded.Metadata);
        var expected = inMemory.ScoreBatch(sample);
        var actual = loaded.ScoreBatch(sample);
        for (var i = 0; i < sample.Count; i++)
        {
            Assert.Equal(expected[i].Probability, actual[i].Probability);
            Assert.Equal(expected[i].TopPositive, actual[i].TopPositive);
            Assert.Equal(expected[i].TopNegative, actual[i].TopNegative);
        }

        Assert.All(actual, s => Assert.InRange(s.Score, 1, 99));
        Assert.True(actual.Count(s => s.TopPositive.Count > 0) > 150, "most scores have positive factors");
        Assert.True(actual.Count(s => s.TopNegative.Count > 0) > 150, "most scores have negative factors");
        Assert.All(actual, s => Assert.True(s.TopPositive.Count <= 3 && s.TopNegative.Count <= 3));
        Assert.All(actual.SelectMany(s => s.TopPositive), f => Assert.True(f.Contribution > 0));
        Assert.All(actual.SelectMany(s => s.TopNegative), f => Assert.True(f.Contribution < 0));
        // Factors name catalog families and features (one-hot slots grouped back), never pipeline columns; one per family.
        Assert.All(actual.SelectMany(s => s.TopPositive.Concat(s.TopNegative)), f => Assert.Equal(f.Family, OpportunityFeatureCatalog.Default[f.Feature].Family));
        Assert.All(actual, s => Assert.Equal(s.TopPositive.Count + s.TopNegative.Count, s.TopPositive.Concat(s.TopNegative).Select(f => f.Family).Distinct().Count()));
        output.WriteLine($"{sample[0].OpportunityId}: {actual[0].Score} + [{string.Join("; ", actual[0].TopPositive.Select(f => f.Text))}] - [{string.Join("; ", actual[0].TopNegative.Select(f => f.Text))}]");
    }
}
