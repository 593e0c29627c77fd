using System.Globalization;
using GtmMart.Training.Evaluation;
using GtmMart.Training.Opportunity;

namespace GtmMart.Training;

/// <summary>The model's holdout AUC next to the AUC the generator's true probabilities reach on the same rows.</summary>
public sealed record GroundTruthComparison(int Rows, double ModelAuc, double TrueProbabilityAuc, double ModelEce, double TrueProbabilityEce)
{
    public double AucRatio => ModelAuc / TrueProbabilityAuc;

    /// <summary>
    /// Reads <c>ground_truth/opportunity_truth.csv</c> (opportunity_id,true_win_probability,outcome_drawn) written by
    /// <c>gtm generate</c> and scores the true probabilities on the model's holdout rows.
    /// </summary>
    public static GroundTruthComparison Compare(string truthCsv, IReadOnlyList<HoldoutPrediction> holdout)
    {
        var truth = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(truthCsv).Skip(1))
        {
            var parts = line.Split(',');
            if (parts.Length >= 2)
            {
                truth[parts[0]] = float.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        var matched = holdout.Where(h => truth.ContainsKey(h.OpportunityId)).ToList();
        if (matched.Count == 0)
        {
            throw new InvalidDataException($"{truthCsv}: none of the {holdout.Count} holdout opportunities has a true probability (different data set?)");
        }

        var model = BinaryMetrics.Compute(matched.Select(h => (h.Probability, h.Won)).ToList());
        var best = BinaryMetrics.Compute(matched.Select(h => (truth[h.OpportunityId], h.Won)).ToList());
        return new GroundTruthComparison(matched.Count, model.Auc, best.Auc, model.Ece, best.Ece);
    }
}
