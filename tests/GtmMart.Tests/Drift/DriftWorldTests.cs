using GtmMart.Scoring.Drift;
using GtmMart.Scoring.Registry;
using GtmMart.Serving;
using GtmMart.Serving.Drift;
using GtmMart.Tests.Support;
using GtmMart.Training;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Models;

namespace GtmMart.Tests.Drift;

/// <summary>
/// Three generated worlds: one trains the models; an unshifted resample (another seed, same options) and a world
/// with a deliberately shifted mix (another channel mix, bigger accounts) are scored with them.
/// </summary>
public sealed class DriftWorlds : IDisposable
{
    public const int Accounts = 800;

    /// <summary>
    /// Partner and LinkedIn deals instead of Google Ads, Organic and Meta, with the paid-media share kept at the
    /// seed's 59.7% (so <c>is_paid_media</c> does not move); mostly accounts of 1,000 employees and more (the seed's
    /// mix is mostly under 1,000).
    /// </summary>
    public static readonly Dictionary<string, double> SourceMix = new()
    {
        ["Google Ads"] = 0.05,
        ["Organic"] = 0.05,
        ["LinkedIn"] = 0.497,
        ["Meta"] = 0.05,
        ["Direct"] = 0.053,
        ["Partner"] = 0.30,
    };

    public static readonly Dictionary<string, double> BandMix = new() { ["50-199"] = 0.05, ["200-999"] = 0.15, ["1000-4999"] = 0.40, ["5000+"] = 0.40 };

    public DriftWorlds()
    {
        var trained = ProductData.Prepare(Training, Accounts, seed: 31);
        Registry = new ModelRegistry(Training.Folder.Sub("models"));
        TrainingPipeline.Run(trained.Snapshot, ProductData.DefaultConfig, Registry);

        ProductData.Prepare(Resample, Accounts, seed: 32);
        ProductData.Prepare(Shifted, Accounts, seed: 33, o => o with { SourceMix = SourceMix, EmployeeBandMix = BandMix });
        ProductData.Prepare(Extreme, 300, seed: 34, o => o with
        {
            SourceMix = new Dictionary<string, double> { ["Meta"] = 1 },
            EmployeeBandMix = new Dictionary<string, double> { ["5000+"] = 1 },
        });
        using var models = ModelSet.LoadActive(Registry);
        OpportunityVersion = models.OpportunityVersion;
        IcpVersion = models.IcpVersion;
        foreach (var world in new[] { Resample, Shifted, Extreme })
        {
            new ScoreWriteBack(world.Warehouse).Run(models, FeatureStore.Load(world.Warehouse), "run-drift");
        }
    }

    public TestWarehouse Training { get; } = new();

    public TestWarehouse Resample { get; } = new();

    public TestWarehouse Shifted { get; } = new();

    /// <summary>A small world of Meta deals with 5,000+ employee accounts only: far from anything trained on.</summary>
    public TestWarehouse Extreme { get; } = new();

    public ModelRegistry Registry { get; }

    public string OpportunityVersion { get; }

    public string IcpVersion { get; }

    public void Dispose()
    {
        Training.Dispose();
        Resample.Dispose();
        Shifted.Dispose();
        Extreme.Dispose();
    }
}

/// <summary>The drift and monitor tests share one set of worlds.</summary>
[CollectionDefinition(Name)]
public sealed class DriftWorldsGroup : ICollectionFixture<DriftWorlds>
{
    public const string Name = "drift worlds";
}

[Collection(DriftWorldsGroup.Name)]
public sealed class DriftWorldTests(DriftWorlds worlds)
{
    private const string DriftRows =
        "select model_name, feature, kind, psi, reading, sample_size, reference_size, note, model_version, run_id from mart.mrt_feature_drift order by model_name, feature";

    [Fact]
    public void The_reference_is_kept_with_each_version_for_every_feature_it_uses_and_its_score()
    {
        foreach (var model in new[] { ModelSet.OpportunityModelName, ModelSet.IcpModelName })
        {
            var version = worlds.Registry.Active(model)!;
            var reference = DriftReference.Read(version.Directory);
            Assert.NotNull(reference);
            Assert.True(File.Exists(Path.Combine(version.Directory, ModelRegistry.CardFile)));
            var expected = model == ModelSet.OpportunityModelName
                ? [.. version.Card.Features, DriftColumns.OpportunityScore]
                : version.Card.Features.Append(DriftColumns.IcpScore).ToList();
            Assert.Equal(expected, reference.Columns.Select(c => c.Name));
            Assert.All(reference.Columns, c => Assert.Equal(reference.Rows, c.Rows));
        }

        var opportunity = DriftReference.Read(worlds.Registry.Active(ModelSet.OpportunityModelName)!.Directory)!;
        var openInSnapshot = worlds.Training.Scalar<long>("select count(*) from mart.mrt_opportunity_features where not is_closed");
        Assert.Equal(openInSnapshot, opportunity.Rows);
        Assert.StartsWith($"the {openInSnapshot:N0} open opportunities of the training snapshot", opportunity.Population, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unshifted_resample_flags_nothing()
    {
        var rows = worlds.Resample.Rows(DriftRows);
        Assert.Equal(Expected(worlds.Registry), rows.Select(r => ((string)r[0]!, (string)r[1]!)).Order().ToList());
        var open = worlds.Resample.Scalar<long>("select count(*) from mart.mrt_opportunity_features where not is_closed");
        var accounts = worlds.Resample.Scalar<long>("select count(*) from mart.mrt_account_features");
        Assert.All(rows, r =>
        {
            Assert.True((string?)r[4] == "stable", $"{r[0]} {r[1]}: PSI {r[3]} {r[4]} on an unshifted resample\n{Table(rows)}");
            Assert.Equal((string)r[0]! == ModelSet.OpportunityModelName ? open : accounts, Convert.ToInt64(r[5]));
            Assert.Null(r[7]);
            Assert.Equal("run-drift", r[9]);
            Assert.Equal((string)r[0]! == ModelSet.OpportunityModelName ? worlds.OpportunityVersion : worlds.IcpVersion, r[8]);
        });
    }

    [Fact]
    public void A_shifted_mix_flags_exactly_the_shifted_features()
    {
        // The shift: the channel mix, and account size (band, employees; revenue is employees x revenue per employee;
        // the generator gives bigger accounts more contacts, so engaged contacts move too; the ICP fit score is a
        // function of firmographics). Nothing else: industry, region, web engagement, revenue per employee, paid share.
        (string, string)[] shifted =
        [
            (ModelSet.IcpModelName, "annual_revenue_usd"), (ModelSet.IcpModelName, "employee_band"), (ModelSet.IcpModelName, "employee_count"),
            (ModelSet.IcpModelName, DriftColumns.IcpScore),
            (ModelSet.OpportunityModelName, "annual_revenue_usd"), (ModelSet.OpportunityModelName, "channel"),
            (ModelSet.OpportunityModelName, "employee_band"), (ModelSet.OpportunityModelName, "employee_count"),
            (ModelSet.OpportunityModelName, "engaged_contacts_90d"), (ModelSet.OpportunityModelName, "senior_engaged_contacts_90d"),
        ];
        var rows = worlds.Shifted.Rows(DriftRows);
        Assert.Equal(Expected(worlds.Registry), rows.Select(r => ((string)r[0]!, (string)r[1]!)).Order().ToList());
        var flagged = rows.Where(r => (string?)r[4] != "stable").Select(r => ((string)r[0]!, (string)r[1]!)).Order().ToList();
        Assert.True(shifted.Order().SequenceEqual(flagged), $"flagged: {string.Join(", ", flagged)}\n{Table(rows)}");

        // The channel and size moves are large: significant, not just moderate.
        Assert.All(
            rows.Where(r => (string)r[1]! is "channel" or "employee_band" or "employee_count"),
            r => Assert.Equal("significant", r[4]));
    }

    [Fact]
    public void Drift_rows_survive_a_build()
    {
        var before = worlds.Shifted.Rows(DriftRows);
        var build = new MartBuilder(worlds.Shifted.Warehouse, ModelCatalog.Load(RepoPaths.Sql)).Build(fullRefresh: true);
        Assert.True(build.Published);
        Assert.NotEmpty(before);
        Assert.Equal(before, worlds.Shifted.Rows(DriftRows));
    }

    [Fact]
    public void The_drift_table_s_data_tests_pass_on_a_run_and_fail_on_rows_no_run_would_write()
    {
        using var connection = worlds.Shifted.Warehouse.Open();
        var driftTests = ScoreTables.DataTests.Where(t => t.Model == FeatureDriftTable.QualifiedName).ToList();
        Assert.Contains(driftTests, t => t.Kind == "primary_key");
        Assert.All(ScoreTables.Test(connection, driftTests), r => Assert.True(r.Passed, $"{r.Test.Name}: {r.FailingRows} failing row(s)"));

        // Inside a transaction that is rolled back (the shared world stays as it is): a reading that disagrees with
        // its PSI, a second score row for the run and an unknown kind are each caught.
        using var transaction = connection.BeginTransaction();
        connection.Execute($"update {FeatureDriftTable.QualifiedName} set reading = 'stable' where feature = 'channel' and model_name = $model", ("model", ModelSet.OpportunityModelName));
        connection.Execute(
            $"""
            insert into {FeatureDriftTable.QualifiedName}
            select run_id, model_name, model_version, 'score_copy', kind, psi, reading, sample_size, reference_size, note, scored_at
            from {FeatureDriftTable.QualifiedName} where kind = 'score' and model_name = $model
            """,
            ("model", ModelSet.IcpModelName));
        connection.Execute($"update {FeatureDriftTable.QualifiedName} set kind = 'text' where feature = 'employee_band' and model_name = $model", ("model", ModelSet.OpportunityModelName));
        var failed = ScoreTables.Test(connection, driftTests).Where(r => !r.Passed).ToList();
        transaction.Rollback();

        var summary = string.Join("; ", failed.Select(f => $"{f.Test.Name}: {f.FailingRows}"));
        Assert.True(failed.Count == 3, summary);
        Assert.All(failed, f => Assert.Equal(1, f.FailingRows));
        Assert.Contains(failed, f => f.Test.Kind == "accepted_values" && f.Test.Column == "kind");
        Assert.Contains(failed, f => f.Test.Kind == "expression" && f.Test.Name.Contains("reading = case", StringComparison.Ordinal));
        Assert.Contains(failed, f => f.Test.Kind == "expression" && f.Test.Name.Contains("per run_id, model_name", StringComparison.Ordinal));
        Assert.Equal(0, worlds.Shifted.Scalar<long>($"select count(*) from {FeatureDriftTable.QualifiedName} where feature = 'score_copy' or kind = 'text'"));
    }

    /// <summary>One row per model and column: every feature the active version uses, and its score.</summary>
    private static List<(string, string)> Expected(ModelRegistry registry) =>
    [
        .. new[] { (ModelSet.OpportunityModelName, DriftColumns.OpportunityScore), (ModelSet.IcpModelName, DriftColumns.IcpScore) }
            .SelectMany(m => registry.Active(m.Item1)!.Card.Features.Append(m.Item2).Select(f => (m.Item1, f)))
            .Order(),
    ];

    private static string Table(List<object?[]> rows) =>
        string.Join('\n', rows.Select(r => string.Join(" | ", r.Take(8))));
}
