using GtmMart.Cli.Commands;
using GtmMart.DemoData;
using GtmMart.Reporting;
using GtmMart.Scoring.Registry;
using GtmMart.Serving;
using GtmMart.Tests.Support;
using GtmMart.Tests.Support.Browser;
using GtmMart.Training;
using GtmMart.Training.Export;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;

namespace GtmMart.Tests.Report;

/// <summary>
/// Raw exports taken through the product once for the dashboard tests: load → build → report before any scores
/// (<see cref="WithoutScores"/>) → export, train, write scores back → report again (<see cref="WithScores"/>); plus one
/// headless Chromium shared by the browser tests (<see cref="Browser"/>), started on first use and closed on dispose.
/// Nothing is prepared until a test asks, so skipped tests cost nothing.
/// </summary>
public abstract class ReportWorld : IAsyncLifetime
{
    private readonly Lazy<Prepared> prepared;

    protected ReportWorld(string name, string screenshotName)
    {
        Name = name;
        ScreenshotName = screenshotName;
        prepared = new Lazy<Prepared>(Prepare);
    }

    /// <summary>Short name of the data ("seed", "demo").</summary>
    public string Name { get; }

    /// <summary>File name (without .png) of the whole-page screenshot in artifacts/; the laptop view adds "-laptop".</summary>
    public string ScreenshotName { get; }

    public TestWarehouse Db { get; } = new();

    public ModelRegistry Registry => new(Path.Combine(Db.Folder.Path, "models"));

    /// <summary>Written after the build, before training and write-back: no score tables exist yet.</summary>
    public ReportResult WithoutScores => prepared.Value.WithoutScores;

    /// <summary>Written after training and score write-back.</summary>
    public ReportResult WithScores => prepared.Value.WithScores;

    public SharedBrowser Browser { get; } = new();

    /// <summary>The folder of raw exports this world loads (written first when generated).</summary>
    protected abstract string RawFolder();

    private Prepared Prepare()
    {
        new RawLoader(Db.Warehouse).Load(RawFolder());
        var build = new MartBuilder(Db.Warehouse, ModelCatalog.Load(RepoPaths.Sql)).Build();
        if (!build.Published)
        {
            throw new InvalidOperationException($"the {Name} mart did not publish: " + string.Join("; ", build.Failures.Select(f => f.Test.Name)));
        }

        var withoutScores = GtmReport.Write(Db.Warehouse, RepoPaths.Sql, Registry, Db.Folder.File("report-without-scores.html"));

        var snapshot = Db.Folder.Sub("features");
        FeatureExporter.Export(Db.Warehouse, snapshot, FeatureExporter.DefaultTables);
        TrainingPipeline.Run(snapshot, ProductData.DefaultConfig, Registry);
        using (var models = ModelSet.LoadActive(Registry))
        {
            new ScoreWriteBack(Db.Warehouse).Run(models, FeatureStore.Load(Db.Warehouse));
        }

        var withScores = GtmReport.Write(Db.Warehouse, RepoPaths.Sql, Registry, Db.Folder.File("report.html"));
        return new Prepared(withoutScores, withScores);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Db.Dispose();
    }

    private sealed record Prepared(ReportResult WithoutScores, ReportResult WithScores);
}

/// <summary>The example exports in <c>../shared/seed-data</c> (tests using it need the folder: <see cref="SeedFactAttribute"/>).</summary>
public sealed class SeedReportFixture() : ReportWorld("seed", "report")
{
    protected override string RawFolder() => RepoPaths.SeedData;
}

/// <summary>
/// The demo world <c>gtm run</c> generates on a machine without exports: the demo generator with <c>gtm run</c>'s
/// default accounts and seed, so the dashboard can be tested wherever a browser is installed.
/// </summary>
public sealed class DemoReportFixture() : ReportWorld("demo", "report-demo")
{
    private static readonly RunCommand.Settings RunDefaults = new();

    public static int Accounts => RunDefaults.Accounts;

    public static int Seed => RunDefaults.Seed;

    protected override string RawFolder()
    {
        var raw = Db.Folder.Sub("raw");
        DemoDataGenerator.Generate(new GeneratorOptions { OutputDirectory = raw, Accounts = Accounts, Seed = Seed });
        return raw;
    }
}

/// <summary>The tests on the seed world share one fixture (and one browser), one test at a time.</summary>
[CollectionDefinition(Name)]
public sealed class SeedReportGroup : ICollectionFixture<SeedReportFixture>
{
    public const string Name = "seed report";
}

/// <summary>The tests on the demo world share one fixture (and one browser), one test at a time.</summary>
[CollectionDefinition(Name)]
public sealed class DemoReportGroup : ICollectionFixture<DemoReportFixture>
{
    public const string Name = "demo report";
}
