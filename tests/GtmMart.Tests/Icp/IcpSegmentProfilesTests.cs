using GtmMart.Training.Icp;

namespace GtmMart.Tests.Icp;

/// <summary>Segment names say what sets a segment apart, not what is common everywhere.</summary>
public sealed class IcpSegmentProfilesTests
{
    private static readonly Dictionary<string, double> Overall = new(StringComparer.Ordinal)
    {
        ["Software"] = 0.60,
        ["Retail"] = 0.35,
        ["Fintech"] = 0.05,
    };

    private static List<string> Segment(params (string Value, int Count)[] values) =>
        [.. values.SelectMany(v => Enumerable.Repeat(v.Value, v.Count))];

    [Fact]
    public void An_over_represented_value_names_the_segment_even_when_another_is_more_common_in_it()
    {
        // Software is the mode (50%) but no more common than overall; Fintech is 30% against 5% overall.
        var segment = Segment(("Software", 50), ("Fintech", 30), ("Retail", 20));

        Assert.Equal("Fintech", IcpSegmentProfiles.Characteristic(segment, Overall));
    }

    [Fact]
    public void A_segment_that_looks_like_everyone_else_has_no_characteristic_value()
    {
        var segment = Segment(("Software", 58), ("Retail", 37), ("Fintech", 5));

        Assert.Null(IcpSegmentProfiles.Characteristic(segment, Overall));
    }

    [Fact]
    public void A_rare_value_below_the_minimum_share_does_not_name_the_segment_and_Unknown_never_does()
    {
        // Fintech: 10% of the segment (lift 2) is under the 20% share needed; Unknown is 60% but never a name.
        var rare = Segment(("Software", 55), ("Retail", 35), ("Fintech", 10));
        var unknown = Segment(("Unknown", 60), ("Software", 40));

        Assert.Null(IcpSegmentProfiles.Characteristic(rare, Overall));
        Assert.Null(IcpSegmentProfiles.Characteristic(unknown, new Dictionary<string, double> { ["Unknown"] = 0.1, ["Software"] = 0.9 }));
    }

    [Theory]
    [InlineData("200-999", "Software", "Europe", "Mid-market Software, Europe")]
    [InlineData("5000+", null, "North America", "Enterprise, all industries, North America")]
    [InlineData(null, "Retail", null, "Mixed-size Retail, all regions")]
    [InlineData(null, null, null, "Mixed accounts")]
    public void Names_read_as_size_industry_and_region(string? band, string? industry, string? region, string expected) =>
        Assert.Equal(expected, IcpSegmentProfiles.Name(band, industry, region));
}
