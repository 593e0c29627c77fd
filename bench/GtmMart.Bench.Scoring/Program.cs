using System.Diagnostics;
using System.Globalization;
using GtmMart.Scoring.Opportunity;
using GtmMart.Serving;
using GtmMart.Warehouse.Connection;
using Microsoft.ML;

// Per-row opportunity scoring (OpportunityScorer.Score, one thread) over every row of a mart's
// mrt_opportunity_features, for one model: with its reasons (families against the typical deal) and without (the same
// model without a typical deal), rounds taken in turn so both see the same machine load. Prints the median µs per row
// of each and their ratio. Usage: GtmMart.Bench.Scoring WAREHOUSE MODEL_ZIP [SECONDS_PER_SIDE]
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: GtmMart.Bench.Scoring WAREHOUSE.duckdb MODEL.zip [SECONDS_PER_SIDE]");
    return 2;
}

var seconds = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 10;
var rows = FeatureStore.Load(new DuckDbWarehouse(args[0])).Opportunities;
var (model, _, metadata) = OpportunityModelFile.Load(new MLContext(seed: 0), args[1]);
using var withReasons = OpportunityScorer.Create(model, metadata);
using var withoutReasons = OpportunityScorer.Create(model, metadata! with { TypicalDeal = null });
OpportunityScorer[] scorers = [withReasons, withoutReasons];
var perRow = new List<double>[] { [], [] };
var sink = 0.0;
foreach (var scorer in scorers)
{
    for (var i = 0; i < 3; i++)
    {
        foreach (var row in rows)
        {
            sink += scorer.Score(row).Probability;
        }
    }
}

var clock = Stopwatch.StartNew();
while (clock.Elapsed.TotalSeconds < 2 * seconds)
{
    for (var s = 0; s < scorers.Length; s++)
    {
        var start = Stopwatch.GetTimestamp();
        foreach (var row in rows)
        {
            sink += scorers[s].Score(row).Probability;
        }

        perRow[s].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds / rows.Count);
    }
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
var (reasons, scoreOnly) = (Median(perRow[0]), Median(perRow[1]));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{withReasons.Algorithm}: {rows.Count:N0} rows x {perRow[0].Count} rounds each; µs per row (median of rounds): with reasons {reasons:0.00}, without {scoreOnly:0.00}; ratio {reasons / scoreOnly:0.00} (checksum {sink:0})"));
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
return 0;
