using GtmMart.Bench.Training;
using Microsoft.ML.Trainers.FastTree;
using Xunit;

namespace GtmMart.Tests.Bench;

/// <summary>The booster benchmark's FastTree variants and its reading of FastTree's time breakdown.</summary>
public sealed class BoosterBenchTests
{
    [Fact]
    public void A_variant_sets_fastTree_options_by_name_numbers_and_enums_alike()
    {
        var options = new FastTreeBinaryTrainer.Options();
        BoosterBenchCommand.Apply(options, "FeatureFraction=0.2, MaximumBinCountPerFeature=16,Bundling=AggregateLowPopulation,NumberOfThreads=2");

        Assert.Equal(0.2, options.FeatureFraction);
        Assert.Equal(16, options.MaximumBinCountPerFeature);
        Assert.Equal(Bundle.AggregateLowPopulation, options.Bundling);
        Assert.Equal(2, options.NumberOfThreads);
    }

    [Theory]
    [InlineData("NoSuchOption=1", "has no field NoSuchOption")]
    [InlineData("FeatureFraction", "is not Option=Value")]
    public void A_variant_naming_no_option_fails_with_the_name(string assignments, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => BoosterBenchCommand.Apply(new FastTreeBinaryTrainer.Options(), assignments));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_breakdown_keeps_the_header_and_the_phases_that_took_time()
    {
        var message = string.Join('\n',
            "Execution time breakdown:",
            "Name                                     Time         %  #Calls  Time/Call",
            "TotalTrain                              9.999    95.84%       1      9.999",
            "TotalSave                               0.000    00.00%       0      0.000",
            "Sumup                                   5.159    49.45%  101880      0.000",
            "Count Statistics:",
            "NetworkSend                                 3");

        Assert.Equal(
            [
                "Name                                     Time         %  #Calls  Time/Call",
                "TotalTrain                              9.999    95.84%       1      9.999",
                "Sumup                                   5.159    49.45%  101880      0.000",
            ],
            BoosterBenchCommand.Timed([message]));
    }
}
