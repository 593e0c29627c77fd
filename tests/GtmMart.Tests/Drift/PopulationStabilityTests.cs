using System.Text.Json;
using GtmMart.Scoring.Drift;
using GtmMart.Scoring.Registry;
using GtmMart.Tests.Support;

namespace GtmMart.Tests.Drift;

public sealed class PopulationStabilityTests
{
    [Fact]
    public void Deciles_of_one_to_a_hundred_cut_at_every_tenth_value_and_hold_ten_each_plus_an_empty_missing_bin()
    {
        var column = BinnedColumn.Numeric("x", Enumerable.Range(1, 100).Select(i => (double)i));

        Assert.Equal([10, 20, 30, 40, 50, 60, 70, 80, 90], column.Edges);
        Assert.Equal([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 0], column.Counts);
        Assert.Equal("≤ 10", column.Labels[0]);
        Assert.Equal("> 90", column.Labels[9]);
        Assert.Equal(BinnedColumn.MissingBin, column.Labels[^1]);
    }

    [Fact]
    public void Tied_values_share_one_bin_and_values_outside_the_reference_fall_in_the_end_bins()
    {
        // 70% zeros: the first seven deciles are all 0 and merge into one bin.
        var values = Enumerable.Repeat(0.0, 70).Concat(Enumerable.Range(1, 30).Select(i => (double)i)).Append(double.NaN).ToList();
        var column = BinnedColumn.Numeric("visits", values);

        Assert.Equal([0, 10, 20], column.Edges);
        Assert.Equal([70, 10, 10, 10, 1], column.Counts);
        Assert.Equal([2, 0, 0, 1, 1], column.Count([-5, -1, 1_000, double.NaN]));
    }

    [Fact]
    public void Categories_below_one_percent_and_unseen_ones_count_as_other_and_empty_as_missing()
    {
        // "Fax" is 1 of 200 present values: under 1%.
        var values = Enumerable.Repeat("Google Ads", 120).Concat(Enumerable.Repeat("Partner", 79)).Append("Fax").Concat(["", null]).ToList();
        var column = BinnedColumn.Categorical("channel", values);

        Assert.Equal(["Google Ads", "Partner"], column.Categories);
        Assert.Equal([120, 79, 1, 2], column.Counts);
        Assert.Equal([1, 0, 2, 1], column.Count(["Google Ads", "TikTok", "Fax", ""]));
        Assert.Equal(["Google Ads", "Partner", BinnedColumn.OtherBin, BinnedColumn.MissingBin], column.Labels);
    }

    [Fact]
    public void The_index_is_zero_for_the_same_shares_and_matches_the_formula_otherwise()
    {
        Assert.Equal(0, PopulationStability.Index([10, 20, 70], [100, 200, 700]), 12);

        // Shares 0.5/0.5 against 0.8/0.2: (0.8-0.5) ln(0.8/0.5) + (0.2-0.5) ln(0.2/0.5).
        var expected = (0.3 * Math.Log(1.6)) + (-0.3 * Math.Log(0.4));
        Assert.Equal(expected, PopulationStability.Index([50, 50], [80, 20]), 12);

        // A class the reference never held counts as a share of 1e-4, so the index is large but finite.
        var appeared = PopulationStability.Index([100, 0], [50, 50]);
        Assert.Equal((-0.5 * Math.Log(0.5)) + ((0.5 - 1e-4) * Math.Log(0.5 / 1e-4)), appeared, 12);
        Assert.True(double.IsNaN(PopulationStability.Index([1, 2], [0, 0])));
        Assert.Throws<ArgumentException>(() => PopulationStability.Index([1, 2], [1, 2, 3]));
    }

    [Theory]
    [InlineData(0.0, DriftReading.Stable)]
    [InlineData(0.0999, DriftReading.Stable)]
    [InlineData(0.1, DriftReading.Moderate)]
    [InlineData(0.25, DriftReading.Moderate)]
    [InlineData(0.2501, DriftReading.Significant)]
    public void Readings_follow_the_usual_thresholds(double psi, DriftReading reading) =>
        Assert.Equal(reading, PopulationStability.Read(psi));

    [Fact]
    public void A_small_sample_is_noted_by_the_stated_rule()
    {
        var reference = BinnedColumn.Numeric("x", Enumerable.Range(1, 1_000).Select(i => (double)i));
        long[] Even(int n) => [.. Enumerable.Range(0, reference.BinCount).Select(b => b < 10 ? (long)(n / 10) : 0)];

        Assert.Contains("only 90 rows scored", PopulationStability.Compare(reference, Even(90)).Note, StringComparison.Ordinal);
        Assert.Null(PopulationStability.Compare(reference, Even(100)).Note);

        // A bin holding 2% of the reference expects 2 of 100 scored rows: fewer than 5.
        var skewed = BinnedColumn.Categorical("c", Enumerable.Repeat("a", 980).Concat(Enumerable.Repeat("b", 20)));
        var note = PopulationStability.Compare(skewed, [98, 2, 0, 0]).Note;
        Assert.Contains("bin 'b' expects only 2.0 rows", note, StringComparison.Ordinal);
        Assert.Null(PopulationStability.Compare(skewed, [245, 5, 0, 0]).Note);

        var tinyReference = BinnedColumn.Categorical("c", Enumerable.Repeat("a", 50));
        Assert.Contains("the reference has only 50 rows", PopulationStability.Compare(tinyReference, [500, 0, 0]).Note, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reference_reads_back_as_written_and_compares_rows_by_feature_kind()
    {
        using var folder = new TempDirectory();
        var rows = Enumerable.Range(0, 200).Select(i => (Size: (float)(i % 50), Channel: i % 4 == 0 ? "Partner" : "Google Ads")).ToList();
        var reference = DriftReference.Build(
            "m", "test rows", ["size", "channel"], f => f == "size", rows,
            (r, f) => f == "size" ? r.Size : r.Channel, "score", [.. rows.Select(r => r.Size / 50.0)]);
        reference.Write(folder.Path);

        var read = DriftReference.Read(folder.Path)!;
        Assert.Equal(JsonSerializer.Serialize(reference, ModelCard.Json), JsonSerializer.Serialize(read, ModelCard.Json));
        Assert.Null(DriftReference.Read(folder.Sub("empty")));

        var same = read.Compare(rows, (r, f) => f == "size" ? r.Size : r.Channel, [.. rows.Select(r => r.Size / 50.0)]);
        Assert.All(same, c => Assert.Equal(0, c.Psi, 12));
        Assert.Equal(["size", "channel", "score"], same.Select(c => c.Feature));
        Assert.Equal([DriftColumnKind.Numeric, DriftColumnKind.Categorical, DriftColumnKind.Score], same.Select(c => c.Kind));

        var partners = rows.Select(r => r with { Channel = "Partner" }).ToList();
        var moved = read.Compare(partners, (r, f) => f == "size" ? r.Size : r.Channel, [.. rows.Select(r => r.Size / 50.0)]);
        Assert.Equal([false, true, false], moved.Select(c => c.Flagged));
    }
}
