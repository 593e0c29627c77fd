using GtmMart.Scoring.Features;
using GtmMart.Scoring.Opportunity;
using GtmMart.Training.Evaluation;

namespace GtmMart.Tests.Opportunity;

public sealed class OpportunityFactorPhrasingTests
{
    [Fact]
    public void Features_are_phrased_for_a_salesperson()
    {
        var row = new OpportunityFeatureRow
        {
            DemoVisits30d = 3,
            PricingVisits30d = 1,
            Sessions90d = 0,
            AmountUsd = 120_000,
            Channel = "Partner",
            EmployeeBand = "200-999",
            DaysSinceLastSession = float.NaN,
            AnnualRevenueUsd = 12_500_000,
            IsPaidMedia = 1,
        };
        Assert.Equal("3 demo-page visits in the last 30 days", OpportunityFactorPhrasing.Phrase("demo_visits_30d", row));
        Assert.Equal("1 pricing-page visit in the last 30 days", OpportunityFactorPhrasing.Phrase("pricing_visits_30d", row));
        Assert.Equal("No web sessions from the account in the last 90 days", OpportunityFactorPhrasing.Phrase("sessions_90d", row));
        Assert.Equal("Deal size $120,000", OpportunityFactorPhrasing.Phrase("amount_usd", row));
        Assert.Equal("Channel: Partner", OpportunityFactorPhrasing.Phrase("channel", row));
        Assert.Equal("Company size: 200-999 employees", OpportunityFactorPhrasing.Phrase("employee_band", row));
        Assert.Equal("No web sessions from the account on record", OpportunityFactorPhrasing.Phrase("days_since_last_session", row));
        Assert.Equal("Annual revenue $12.5M", OpportunityFactorPhrasing.Phrase("annual_revenue_usd", row));
        Assert.Equal("Sourced from paid media", OpportunityFactorPhrasing.Phrase("is_paid_media", row));
        Assert.Equal("Industry: unknown", OpportunityFactorPhrasing.Phrase("industry", row));
    }

    [Theory]
    [InlineData(0.0, 1)]
    [InlineData(0.004, 1)]
    [InlineData(0.5, 50)]
    [InlineData(0.734, 73)]
    [InlineData(1.0, 99)]
    public void Score_is_the_probability_in_percent_clamped_to_1_99(double p, int score) =>
        Assert.Equal(score, OpportunityScore.ToScore(p));

    [Fact]
    public void Binary_metrics_match_hand_computed_values()
    {
        (float, bool)[] data = [(0.9f, true), (0.8f, true), (0.7f, false), (0.6f, true), (0.2f, false), (0.1f, false)];
        var m = BinaryMetrics.Compute(data);
        Assert.Equal(8.0 / 9, m.Auc, 10);
        Assert.Equal((1 + 1 + 0.75) / 3, m.PrAuc, 10);
        Assert.Equal((0.01 + 0.04 + 0.49 + 0.16 + 0.04 + 0.01) / 6, m.Brier, 6);
        Assert.Equal(0.5, m.BaseRate);
        Assert.Equal(1.0, BinaryMetrics.Auc([1, 2, 3], [false, false, true]));
        Assert.Equal(0.5, BinaryMetrics.Auc([1, 1], [false, true]));
        Assert.True(double.IsNaN(BinaryMetrics.Auc([1, 2], [true, true])));
    }
}
