using GtmMart.Scoring.Baseline;
using GtmMart.Scoring.Icp;
using GtmMart.Scoring.Opportunity;

namespace GtmMart.Scoring.Registry;

/// <summary>Loads the scorer of a registered version, whatever its kind (a trained model or a baseline).</summary>
public static class RegisteredScorers
{
    /// <summary>The opportunity model's artifact.</summary>
    public const string OpportunityModelFile = "model.zip";

    /// <summary>
    /// A trained opportunity model (<c>model.zip</c>) or the win-rate baseline (<c>baseline.json</c>); a missing
    /// artifact is an <see cref="InvalidDataException"/> naming the folder.
    /// </summary>
    public static IOpportunityScorer LoadOpportunity(ModelVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var artifact = version.Card.Kind == ModelKind.Baseline ? WinRateBaseline.FileName : OpportunityModelFile;
        if (!File.Exists(Path.Combine(version.Directory, artifact)))
        {
            throw new InvalidDataException($"model {version.Model} {version.Version} has no {artifact} in {version.Directory}");
        }

        return version.Card.Kind == ModelKind.Baseline
            ? WinRateBaselineScorer.Load(version.Directory)
            : OpportunityScorer.Load(Path.Combine(version.Directory, OpportunityModelFile));
    }

    /// <summary>An ICP version (a trained fit model or the neutral-fit baseline: the same artifacts).</summary>
    public static IcpScorer LoadIcp(ModelVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return IcpScorer.Load(version.Directory);
    }
}
