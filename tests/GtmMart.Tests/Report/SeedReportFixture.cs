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
/// The seed data taken through the product once for the report tests: load → build → report before any scores
/// (<see cref="WithoutScores"/>) → export, train, write scores back → report again (<see cref="WithScores"/>); plus one
/// headless Chromium shared by the browser tests, started on first use and killed on dispose.
/// </summary>
public sealed class SeedReportFixture : IDisposable
{
    private readonly Lazy<Prepared> prepared;
    private readonly Lazy<Task<HeadlessChromium>> browser = new(HeadlessChromium.LaunchAsync);

    public SeedReportFixture()
    {
        prepared = new Lazy<Prepared>(Prepare);
    }

    public TestWarehouse Db { get; } = new();

    public ModelRegistry Registry => new(Path.Combine(Db.Folder.Path, "models"));

    /// <summary>Written after the build, before training and write-back: no score tables exist yet.</summary>
    public ReportResult WithoutScores => prepared.Value.WithoutScores;

    /// <summary>Written after training and score write-back.</summary>
    public ReportResult WithScores => prepared.Value.WithScores;

    public Task<HeadlessChromium> Browser => browser.Value;

    private Prepared Prepare()
    {
        new RawLoader(Db.Warehouse).Load(RepoPaths.SeedData);
        var build = new MartBuilder(Db.Warehouse, ModelCatalog.Load(RepoPaths.Sql)).Build();
        if (!build.Published)
        {
            throw new InvalidOperationException("the seed mart did not publish: " + string.Join("; ", build.Failures.Select(f => f.Test.Name)));
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

    public void Dispose()
    {
        if (browser.IsValueCreated && browser.Value.IsCompletedSuccessfully)
        {
            browser.Value.Result.Dispose();
        }

        Db.Dispose();
    }

    private sealed record Prepared(ReportResult WithoutScores, ReportResult WithScores);
}

/// <summary>The report tests share one seed fixture (and one browser), one test at a time.</summary>
[CollectionDefinition(Name)]
public sealed class SeedReportGroup : ICollectionFixture<SeedReportFixture>
{
    public const string Name = "seed report";
}
