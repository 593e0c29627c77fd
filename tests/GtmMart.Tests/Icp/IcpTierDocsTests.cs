using System.Globalization;
using GtmMart.Scoring.Icp;
using GtmMart.Tests.Support;
using GtmMart.Training;
using GtmMart.Training.Icp;

namespace GtmMart.Tests.Icp;

/// <summary>
/// The ICP tier thresholds, the comment beside them in the default config, the code's defaults and the docs say the
/// same thing: every odds multiple they state is computed here from <c>tier_thresholds</c> and
/// <c>fit_points_per_odds_doubling</c>.
/// </summary>
public sealed class IcpTierDocsTests
{
    private static readonly TrainingConfig Config = ProductData.DefaultConfig;

    [Fact]
    public void The_config_comment_states_the_odds_the_thresholds_stand_for()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, TrainingConfig.DefaultPath));
        var t = Config.Icp.TierThresholds;
        var p = Config.Icp.FitPointsPerOddsDoubling;

        Assert.Contains($"50 + {X(p)} points per doubling", text, StringComparison.Ordinal);
        Assert.Contains($"thresholds {X(t.A)} / {X(t.B)} / {X(t.C)} mean", text, StringComparison.Ordinal);
        Assert.Contains($"A at least {Odds(t.A)}x the typical odds, B {Odds(t.B)}x-{Odds(t.A)}x, C {Odds(t.C)}x-{Odds(t.B)}x, D under {Odds(t.C)}x", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_in_code_equal_the_default_config()
    {
        var defaults = new IcpTrainingOptions();
        Assert.Equal(defaults.TierThresholds, Config.Icp.TierThresholds);
        Assert.Equal(defaults.FitPointsPerOddsDoubling, Config.Icp.FitPointsPerOddsDoubling);
        Assert.Equal(new IcpTierThresholds(), Config.Icp.TierThresholds);
        Assert.Equal(defaults.Gate, Config.Icp.Gate);
        Assert.Equal(new GtmMart.Training.Opportunity.OpportunityTrainingOptions().Gate, Config.Opportunity.Gate);
    }

    [Fact]
    public void The_docs_state_the_tiers_as_the_config_defines_them()
    {
        var summary = IcpTierMeaning.Summary(Config.Icp);
        Assert.Equal("A >= 75 (2x+ typical odds), B >= 50 (1x-2x), C >= 25 (0.5x-1x), D < 25 (under 0.5x)", summary);
        Assert.Contains(summary, File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "MODELS.md")), StringComparison.Ordinal);
        Assert.Contains(summary, File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_tier_threshold_sits_at_its_stated_multiple_of_the_typical_odds()
    {
        var fit = new IcpFitSpec
        {
            Trained = true,
            Encoding = new IcpVectorEncoding([], [], 1),
            BaseRate = 0.4,
            PointsPerOddsDoubling = Config.Icp.FitPointsPerOddsDoubling,
            NeutralScore = 50,
            NeutralTier = IcpTier.C,
        };
        foreach (var tier in IcpTierMeaning.Describe(Config.Icp).Where(d => d.MinimumFitScore > 0))
        {
            // The probability whose odds are the stated multiple of the typical (base-rate) odds scores the threshold.
            var odds = 0.4 / 0.6 * tier.MinimumOddsMultiple;
            Assert.Equal(tier.MinimumFitScore, IcpEncoding.FitScore(fit, odds / (1 + odds)), 6);
        }
    }

    private static string X(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Odds(double threshold) => X(IcpTierMeaning.OddsMultiple(threshold, Config.Icp.FitPointsPerOddsDoubling));
}
