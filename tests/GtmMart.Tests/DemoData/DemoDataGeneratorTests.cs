using GtmMart.DemoData;
using GtmMart.Tests.Support;

namespace GtmMart.Tests.DemoData;

public sealed class DemoDataGeneratorTests
{
    private static readonly string[] RawFiles =
        ["ad_spend.csv", "web_analytics.csv", "salesforce_opportunities.csv", "salesforce_accounts.csv", "crm_contacts.csv"];

    [Fact]
    public void Same_options_give_byte_identical_files()
    {
        using var temp = new TempDirectory();
        var first = DemoDataGenerator.Generate(Options(temp.Sub("a"), seed: 11));
        var second = DemoDataGenerator.Generate(Options(temp.Sub("b"), seed: 11));

        foreach (var file in RawFiles)
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(temp.File("a"), file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(temp.File("b"), file))),
                $"{file} differs between two runs with the same seed");
        }

        Assert.Equal(File.ReadAllBytes(first.GroundTruthPath), File.ReadAllBytes(second.GroundTruthPath));
        Assert.Equal(first.RowsPerFile, second.RowsPerFile);
    }

    [Fact]
    public void A_different_seed_gives_different_files()
    {
        using var temp = new TempDirectory();
        var first = DemoDataGenerator.Generate(Options(temp.Sub("a"), seed: 11));
        var second = DemoDataGenerator.Generate(Options(temp.Sub("b"), seed: 12));

        foreach (var file in RawFiles)
        {
            Assert.NotEqual(File.ReadAllBytes(Path.Combine(temp.File("a"), file)), File.ReadAllBytes(Path.Combine(temp.File("b"), file)));
        }

        Assert.NotEqual(File.ReadAllBytes(first.GroundTruthPath), File.ReadAllBytes(second.GroundTruthPath));
    }

    [Fact]
    public void Ground_truth_goes_where_asked_and_not_into_the_raw_folder()
    {
        using var temp = new TempDirectory();
        var truthPath = Path.Combine(temp.Sub("truth"), "nested", "truth.csv");
        var result = DemoDataGenerator.Generate(Options(temp.Sub("raw"), seed: 1) with { GroundTruthPath = truthPath });

        Assert.Equal(truthPath, result.GroundTruthPath);
        Assert.True(File.Exists(truthPath));
        Assert.Equal(RawFiles.Order(StringComparer.Ordinal), Directory.GetFiles(temp.File("raw")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(result.RowsPerFile["salesforce_opportunities.csv"] + 1, File.ReadAllLines(truthPath).Length);
    }

    [Fact]
    public void Sessions_option_sets_the_exact_session_count()
    {
        using var temp = new TempDirectory();
        var result = DemoDataGenerator.Generate(Options(temp.Sub("some"), seed: 3) with { Sessions = 1_234 });
        Assert.Equal(1_234, result.RowsPerFile["web_analytics.csv"]);
        Assert.Equal(1_235, File.ReadAllLines(temp.File("some/web_analytics.csv")).Length);

        var none = DemoDataGenerator.Generate(Options(temp.Sub("none"), seed: 3) with { Sessions = 0 });
        Assert.Equal(0, none.RowsPerFile["web_analytics.csv"]);
        Assert.Single(File.ReadAllLines(temp.File("none/web_analytics.csv")));
        Assert.Equal(8 * 30, none.RowsPerFile["ad_spend.csv"]);
    }

    [Fact]
    public void A_single_account_and_a_single_day_work()
    {
        using var temp = new TempDirectory();
        var result = DemoDataGenerator.Generate(new GeneratorOptions { OutputDirectory = temp.Path, Accounts = 1, Days = 1 });
        Assert.Equal(1, result.RowsPerFile["salesforce_accounts.csv"]);
        Assert.Equal(8, result.RowsPerFile["ad_spend.csv"]);
        Assert.True(File.Exists(result.GroundTruthPath));
    }

    [Theory]
    [InlineData(0, 10, null, "Accounts")]
    [InlineData(-5, 10, null, "Accounts")]
    [InlineData(10, 0, null, "Days")]
    [InlineData(10, 10, -1L, "Sessions")]
    public void Invalid_options_are_rejected_naming_the_option(int accounts, int days, long? sessions, string option)
    {
        using var temp = new TempDirectory();
        var error = Assert.ThrowsAny<ArgumentException>(() =>
            DemoDataGenerator.Generate(new GeneratorOptions { OutputDirectory = temp.Path, Accounts = accounts, Days = days, Sessions = sessions }));
        Assert.Equal(option, error.ParamName);
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void Progress_is_reported_about_every_100k_rows_and_at_the_end()
    {
        using var temp = new TempDirectory();
        var progress = new Recorder();
        DemoDataGenerator.Generate(Options(temp.Path, seed: 5) with { Sessions = 250_000 }, progress);

        var web = progress.Reports.Where(r => r.Source == "web_analytics").ToList();
        Assert.Equal([100_000L, 200_000L, 250_000L], web.Select(r => r.RowsWritten));
        Assert.All(web, r => Assert.Equal(250_000, r.RowsPlanned));
        Assert.Equal(
            ["salesforce_accounts", "crm_contacts", "web_analytics", "ad_spend", "salesforce_opportunities", "ground_truth"],
            progress.Reports.Select(r => r.Source).Distinct());
        Assert.All(progress.Reports.GroupBy(r => r.Source), g => Assert.Equal(g.Last().RowsPlanned, g.Last().RowsWritten));
    }

    [Fact]
    public void Cancellation_stops_generation()
    {
        using var temp = new TempDirectory();
        using var cts = new CancellationTokenSource();
        var progress = new Recorder(report => { if (report.Source == "web_analytics") { cts.Cancel(); } });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            DemoDataGenerator.Generate(Options(temp.Path, seed: 5) with { Sessions = 1_000_000 }, progress, cts.Token));
        Assert.False(File.Exists(Path.Combine(temp.Path, "salesforce_opportunities.csv")));

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => DemoDataGenerator.Generate(Options(temp.Sub("pre"), seed: 5), ct: cancelled.Token));
    }

    private static GeneratorOptions Options(string directory, int seed) =>
        new() { OutputDirectory = directory, Accounts = 150, Days = 30, Seed = seed };

    /// <summary>Synchronous progress sink (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Recorder(Action<GeneratorProgress>? onReport = null) : IProgress<GeneratorProgress>
    {
        public List<GeneratorProgress> Reports { get; } = [];

        public void Report(GeneratorProgress value)
        {
            Reports.Add(value);
            onReport?.Invoke(value);
        }
    }
}
