using GtmMart.DemoData;
using GtmMart.Serving;
using GtmMart.Tests.Serving;
using GtmMart.Tests.Support;
using GtmMart.Training.Evaluation;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.History;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;

namespace GtmMart.Tests.Lifecycle;

/// <summary>
/// A generated world scored, then a later export in which every open opportunity closed as the generator's truth
/// draws it: the build's realized accuracy equals the figures computed here from the scores and outcomes.
/// </summary>
[Collection(ServingTestGroup.Name)]
public sealed class RealizedAccuracyTests(ServingFixture fixture)
{
    [Fact]
    public void Realized_auc_brier_and_calibration_match_an_independent_computation()
    {
        using var folder = new TempDirectory();
        var db = new DuckDbWarehouse(fixture.CopyWarehouse(folder));
        WriteBackResult run;
        using (var models = ModelSet.LoadActive(fixture.Registry))
        {
            run = new ScoreWriteBack(db).Run(models, FeatureStore.Load(db), "scored-before");
        }

        var probabilities = Query(db, "select opportunity_id, probability, score from mart.mrt_opportunity_scores")
            .ToDictionary(r => (string)r[0]!, r => (P: Convert.ToDouble(r[1]), Score: Convert.ToInt32(r[2])));
        Assert.Equal(run.Opportunities, probabilities.Count);
        Assert.Equal(run.Opportunities, Convert.ToInt64(Query(db, "select count(*) from history.scores where run_id = 'scored-before' and entity_type = 'opportunity'")[0][0]));

        var catalog = ModelCatalog.Load(RepoPaths.Sql);
        Assert.True(new MartBuilder(db, catalog).Build().Published);
        var before = Performance(db);
        Assert.Equal(0L, before.ClosedSince);
        Assert.Null(before.Auc);

        var later = folder.Sub("later");
        var outcomes = LaterOutcomes.CloseOpen(fixture.Db.Folder.Sub("raw"), later, new DateOnly(2025, 10, 15), seed: 11);
        new RawLoader(db).Load(later, new LoadOptions { Append = true });
        var build = new MartBuilder(db, catalog).Build();
        Assert.True(build.Published, string.Join("; ", build.Failures.Select(f => f.Test.Name)));

        // Every scored opportunity was open and has closed since.
        var closed = probabilities.Select(p => (p.Key, p.Value.P, p.Value.Score, Won: outcomes[p.Key])).ToList();
        var after = Performance(db);
        Assert.Equal(run.Opportunities, after.Scored);
        Assert.Equal(closed.Count, after.ClosedSince);
        Assert.Equal(closed.Count(c => c.Won), after.WonSince);

        var auc = BinaryMetrics.Auc([.. closed.Select(c => c.P)], [.. closed.Select(c => c.Won)]);
        Assert.InRange(auc, 0.55, 1.0);
        Assert.Equal(auc, after.Auc!.Value, 1e-9);

        // Hanley-McNeil's interval, the Brier score and the gate's ECE, computed here.
        double n1 = closed.Count(c => c.Won), n0 = closed.Count - n1, q1 = auc / (2 - auc), q2 = 2 * auc * auc / (1 + auc);
        var se = Math.Sqrt((auc * (1 - auc) + (n1 - 1) * (q1 - auc * auc) + (n0 - 1) * (q2 - auc * auc)) / (n1 * n0));
        Assert.Equal(Math.Max(0, auc - 1.96 * se), after.AucLow!.Value, 1e-9);
        Assert.Equal(Math.Min(1, auc + 1.96 * se), after.AucHigh!.Value, 1e-9);
        Assert.Equal(closed.Average(c => (c.P - (c.Won ? 1 : 0)) * (c.P - (c.Won ? 1 : 0))), after.Brier!.Value, 1e-9);
        var ece = closed.GroupBy(c => Math.Min(9, (int)Math.Floor(c.P * 10)))
            .Sum(g => Math.Abs(g.Average(c => c.P) - g.Average(c => c.Won ? 1.0 : 0.0)) * g.Count() / closed.Count);
        Assert.Equal(ece, after.Ece!.Value, 1e-9);

        // Win rate by score band: ten rows, each band's counts as computed here.
        var bands = Query(db, "select band, score_from, score_to, scored, closed_since, won_since, win_rate from mart.mrt_model_performance_bands where run_id = 'scored-before' order by band");
        Assert.Equal(10, bands.Count);
        foreach (var band in bands)
        {
            var (from, to) = (Convert.ToInt32(band[1]), Convert.ToInt32(band[2]));
            var inBand = closed.Where(c => c.Score >= from && c.Score <= to).ToList();
            Assert.Equal(inBand.Count, Convert.ToInt64(band[4]));
            Assert.Equal(inBand.Count(c => c.Won), Convert.ToInt64(band[5]));
            if (inBand.Count > 0)
            {
                Assert.Equal((double)inBand.Count(c => c.Won) / inBand.Count, Convert.ToDouble(band[6]), 1e-12);
            }
            else
            {
                Assert.Null(band[6]);
            }
        }

        Assert.Equal(closed.Count, bands.Sum(b => Convert.ToInt64(b[4])));

        // Each outcome was seen at the later load, after the scores.
        var seen = Query(db, "select outcome, count(*), min(outcome_seen_at > scored_at) from mart.mrt_score_outcomes where run_id = 'scored-before' group by outcome order by outcome");
        Assert.Equal(["lost", "won"], seen.Select(r => (string)r[0]!));
        Assert.All(seen, r => Assert.Equal(true, r[2]));
    }

    private static (long Scored, long ClosedSince, long WonSince, double? Auc, double? AucLow, double? AucHigh, double? Brier, double? Ece) Performance(DuckDbWarehouse db)
    {
        var row = Assert.Single(Query(db, "select scored, closed_since, won_since, realized_auc, realized_auc_low, realized_auc_high, brier, calibration_error from mart.mrt_model_performance where run_id = 'scored-before'"));
        return (Convert.ToInt64(row[0]), Convert.ToInt64(row[1]), Convert.ToInt64(row[2]), D(row[3]), D(row[4]), D(row[5]), D(row[6]), D(row[7]));

        static double? D(object? value) => value is null ? null : Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<object?[]> Query(DuckDbWarehouse db, string sql)
    {
        using var connection = db.Open();
        return connection.Query(sql, TestWarehouse.ReadRow);
    }
}
