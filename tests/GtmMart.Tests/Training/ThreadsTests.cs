using System.Text.Json;
using GtmMart.Scoring.Features;
using GtmMart.Scoring.Opportunity;
using GtmMart.Tests.Opportunity;
using GtmMart.Training;
using GtmMart.Training.Opportunity;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace GtmMart.Tests.Training;

/// <summary>
/// Training spreads its fits over the cores (issue 23.1) and stays reproducible: one thread and two give the same
/// metrics and the same final model, and every part of the cross-validation is reported with a counter.
/// </summary>
public sealed class ThreadsTests
{
    private static readonly List<OpportunityFeatureRow> Rows = [.. SyntheticOpportunities.Generate(4_000, seed: 23).Select(d => d.Row)];

    [Theory]
    [InlineData(OpportunityModelMetadata.LightGbm)]
    [InlineData(OpportunityModelMetadata.FastTree)]
    public void One_thread_and_two_give_the_same_metrics_and_the_same_model(string booster)
    {
        var options = new OpportunityTrainingOptions { Folds = 3, Algorithm = booster };
        var one = OpportunityModelTrainer.Train(Rows, options with { Threads = 1 });
        var two = OpportunityModelTrainer.Train(Rows, options with { Threads = 2 });

        Assert.Equal(Metrics(one), Metrics(two));
        Assert.Equal(Probabilities(one), Probabilities(two));
    }

    [Fact]
    public void Every_fit_is_reported_with_a_counter_and_its_time()
    {
        var lines = new List<string>();
        var progress = new GtmMart.Cli.Output.InlineProgress<string>(line =>
        {
            lock (lines)
            {
                lines.Add(line);
            }
        });
        OpportunityModelTrainer.Train(Rows, new OpportunityTrainingOptions { Folds = 3, Threads = 2 }, progress);

        // 2 algorithms x (3 folds + the training part + the refit on all closed rows).
        for (var done = 1; done <= 10; done++)
        {
            Assert.Contains(lines, l => l.StartsWith($"[{done}/10] ", StringComparison.Ordinal) && l.Contains(" done in ", StringComparison.Ordinal));
        }

        Assert.Contains(lines, l => l.Contains("LightGBM fold 3/3 done in", StringComparison.Ordinal) && l.Contains(" leaves kept", StringComparison.Ordinal));
    }

    [Fact]
    public void A_part_running_longer_than_the_heartbeat_is_reported_while_it_runs()
    {
        var lines = new List<string>();
        var progress = new GtmMart.Cli.Output.InlineProgress<string>(line =>
        {
            lock (lines)
            {
                lines.Add(line);
            }
        });
        using (var tracker = new StepTracker(progress, "slow step", 1, TimeSpan.FromMilliseconds(100)))
        {
            // The part ends only once the heartbeat reported it (or after 30 s, and the assertion below fails).
            tracker.Run("slow part", () => SpinWait.SpinUntil(
                () =>
                {
                    lock (lines)
                    {
                        return lines.Any(l => l.Contains("still running", StringComparison.Ordinal));
                    }
                },
                TimeSpan.FromSeconds(30)));
        }

        Assert.Contains(lines, l => l.StartsWith("[0/1] still running: slow part (", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("[1/1] slow part done in ", StringComparison.Ordinal));
    }

    private static string Metrics(OpportunityTrainingResult r) =>
        JsonSerializer.Serialize(new { r.BoostedCrossValidation, r.LogisticRegressionCrossValidation, r.Holdout, r.Algorithm, r.Hyperparameters });

    private static float[] Probabilities(OpportunityTrainingResult r) =>
        [.. r.Model.Transform(OpportunityDataView.Create(r.Catalog, Rows)).GetColumn<float>("Probability")];
}
