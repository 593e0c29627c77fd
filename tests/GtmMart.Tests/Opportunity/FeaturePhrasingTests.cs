using GtmMart.Scoring.Features;
using GtmMart.Scoring.Opportunity;

namespace GtmMart.Tests.Opportunity;

public sealed class FeaturePhrasingTests
{
    [Fact]
    public void Features_are_phrased_for_a_salesperson_by_their_catalog_phrasing()
    {
        var catalog = OpportunityFeatureCatalog.Default;
        string Phrase(string feature, FeatureValue value) =>
            value.IsText ? catalog[feature].Phrasing.Phrase(value.Text) : catalog[feature].Phrasing.Phrase(value.Number);
        string Typical(string feature, FeatureValue value) =>
            value.IsText ? catalog[feature].Phrasing.Typical(value.Text) : catalog[feature].Phrasing.Typical(value.Number);

        Assert.Equal("3 demo-page visits in the last 30 days", Phrase("demo_visits_30d", 3f));
        Assert.Equal("1 pricing-page visit in the last 30 days", Phrase("pricing_visits_30d", 1f));
        Assert.Equal("No web sessions from the account in the last 90 days", Phrase("sessions_90d", 0f));
        Assert.Equal("No data on web sessions from the account in the last 90 days", Phrase("sessions_90d", float.NaN));
        Assert.Equal("Deal size $120,000", Phrase("amount_usd", 120_000f));
        Assert.Equal("Deal size not set", Phrase("amount_usd", 0f));
        Assert.Equal("Channel: Partner", Phrase("channel", "Partner"));
        Assert.Equal("Company size: 200-999 employees", Phrase("employee_band", "200-999"));
        Assert.Equal("No web sessions from the account on record", Phrase("days_since_last_session", float.NaN));
        Assert.Equal("Last web session from the account 3 days ago", Phrase("days_since_last_session", 3f));
        Assert.Equal("Annual revenue $12.5M", Phrase("annual_revenue_usd", 12_500_000f));
        Assert.Equal("Sourced from paid media", Phrase("is_paid_media", 1f));
        Assert.Equal("Industry: unknown", Phrase("industry", ""));
        Assert.Equal("none", Typical("demo_visits_30d", 0f));
        Assert.Equal("9", Typical("sessions_30d", 9f));
        Assert.Equal("none on record", Typical("days_since_last_session", float.NaN));
        Assert.Equal("2 days ago", Typical("days_since_last_session", 2f));
        Assert.Equal("$25,000", Typical("amount_usd", 25_000f));
        Assert.Equal("not paid media", Typical("is_paid_media", 0f));
        Assert.Equal("Google Ads", Typical("channel", "Google Ads"));
    }

    [Theory]
    [InlineData(0.0, 1)]
    [InlineData(0.004, 1)]
    [InlineData(0.5, 50)]
    [InlineData(0.734, 73)]
    [InlineData(1.0, 99)]
    public void Score_is_the_probability_in_percent_clamped_to_1_99(double p, int score) =>
        Assert.Equal(score, OpportunityScore.ToScore(p));
}
