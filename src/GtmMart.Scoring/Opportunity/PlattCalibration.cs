using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;

namespace GtmMart.Scoring.Opportunity;

/// <summary>Platt scaling of a raw score, as ML.NET's <see cref="PlattCalibrator"/> computes it: 1 / (1 + e^(slope · s + offset)).</summary>
internal sealed record PlattCalibration(double Slope, double Offset)
{
    public float Probability(float score) => float.IsNaN(score) ? score : (float)(1 / (1 + Math.Exp((Slope * score) + Offset)));

    /// <summary>
    /// The parameters of a fitted calibrator transformer (ML.NET does not expose them), read by running it on two raw
    /// scores and checked on two more; null when they do not reproduce its output.
    /// </summary>
    public static PlattCalibration? Read(MLContext ml, CalibratorTransformer<PlattCalibrator> calibrator)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(calibrator);
        float[] scores = [0f, 1f, -3f, 4f];
        var p = calibrator.Transform(ml.Data.LoadFromEnumerable(scores.Select(s => new RawScore { Score = s })))
            .GetColumn<float>(OpportunityFeatureColumns.Probability).ToArray();
        if (p.Length != scores.Length || p.Take(2).Any(x => x is <= 0 or >= 1))
        {
            return null;
        }

        // p = 1 / (1 + e^(a·s + b))  ⇔  a·s + b = ln(1/p − 1).
        var offset = Math.Log((1 / (double)p[0]) - 1);
        var slope = Math.Log((1 / (double)p[1]) - 1) - offset;
        var read = new PlattCalibration(slope, offset);
        return scores.Select((s, i) => Math.Abs(read.Probability(s) - p[i])).All(d => d <= 1e-6) ? read : null;
    }

    private sealed class RawScore
    {
        public float Score { get; set; }
    }
}
