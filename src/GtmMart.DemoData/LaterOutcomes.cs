using System.Globalization;
using GtmMart.DemoData.Sampling;

namespace GtmMart.DemoData;

/// <summary>
/// A later export of a generated world: every opportunity still open in <c>salesforce_opportunities.csv</c> closes,
/// won with its true win probability from the ground truth (Bernoulli, seeded, so the same inputs give the same
/// file), on <c>CloseDate</c>; Closed Lost amounts are 0 as in the generator. Only the closed rows are written, so
/// <c>gtm load --append</c> of the output folder replaces those opportunities and keeps everything else.
/// </summary>
public static class LaterOutcomes
{
    public const string FileName = "salesforce_opportunities.csv";

    private const string Header = "opportunity_id,account_id,created_date,stage,amount_usd,source,owner_region,close_date,owner_id";

    /// <summary>Writes <paramref name="outputDirectory"/>/salesforce_opportunities.csv and returns each closed opportunity's outcome (true = won).</summary>
    public static IReadOnlyDictionary<string, bool> CloseOpen(string rawDirectory, string outputDirectory, DateOnly closeDate, int seed = 42, string? groundTruthPath = null)
    {
        groundTruthPath ??= Path.Combine(rawDirectory, "ground_truth", "opportunity_truth.csv");
        var truth = File.ReadLines(groundTruthPath).Skip(1)
            .Select(line => line.Split(','))
            .ToDictionary(f => f[0], f => double.Parse(f[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);

        var source = Path.Combine(rawDirectory, FileName);
        using var lines = File.ReadLines(source).GetEnumerator();
        if (!lines.MoveNext() || lines.Current != Header)
        {
            throw new InvalidDataException($"{source}: expected the generator's header '{Header}'.");
        }

        Directory.CreateDirectory(outputDirectory);
        var rng = new Rng(seed, RngStream.LaterOutcomes);
        var outcomes = new Dictionary<string, bool>(StringComparer.Ordinal);
        using var writer = new StreamWriter(Path.Combine(outputDirectory, FileName)) { NewLine = "\n" };
        writer.WriteLine(Header);
        var line = 1;
        while (lines.MoveNext())
        {
            line++;
            var fields = lines.Current.Split(',');
            if (fields.Length != 9 || lines.Current.Contains('"', StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{source}:{line}: expected 9 unquoted fields as the generator writes them.");
            }

            if (fields[3] is not ("Pipeline" or "Proposal"))
            {
                continue;
            }

            var id = fields[0];
            var p = truth.TryGetValue(id, out var probability) ? probability : throw new InvalidDataException($"{groundTruthPath}: no true win probability for {id}.");
            var won = rng.NextDouble() < p;
            var created = DateOnly.ParseExact(fields[2], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            fields[3] = won ? "Closed Won" : "Closed Lost";
            fields[4] = won ? fields[4] : "0.00";
            fields[7] = (closeDate < created ? created : closeDate).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            writer.WriteLine(string.Join(',', fields));
            outcomes[id] = won;
        }

        return outcomes;
    }
}
