using GtmMart.Scoring.Icp;
using GtmMart.Scoring.Opportunity;
using GtmMart.Scoring.Registry;

namespace GtmMart.Serving;

/// <summary>
/// One immutable pair of loaded models: the opportunity scorer and the ICP scorer, with the registry versions and cards
/// they came from. A request takes one set (<see cref="ModelHolder.Current"/>) and uses it throughout, so its scores
/// and the versions it reports always belong together.
/// </summary>
public sealed class ModelSet : IDisposable
{
    public const string OpportunityModelName = "opportunity-scoring";
    public const string IcpModelName = "icp";
    public const string OpportunityModelFile = "model.zip";

    public ModelSet(OpportunityScorer opportunity, ModelCard opportunityCard, IcpScorer icp, ModelCard icpCard)
    {
        ArgumentNullException.ThrowIfNull(opportunity);
        ArgumentNullException.ThrowIfNull(opportunityCard);
        ArgumentNullException.ThrowIfNull(icp);
        ArgumentNullException.ThrowIfNull(icpCard);
        Opportunity = opportunity;
        OpportunityCard = opportunityCard;
        Icp = icp;
        IcpCard = icpCard;
    }

    public OpportunityScorer Opportunity { get; }

    public IcpScorer Icp { get; }

    public string OpportunityModel { get; } = OpportunityModelName;

    public string OpportunityVersion => OpportunityCard.Version;

    public string IcpModel { get; } = IcpModelName;

    public string IcpVersion => IcpCard.Version;

    public ModelCard OpportunityCard { get; }

    public ModelCard IcpCard { get; }

    /// <summary>Loads the active version of both models; a clear <see cref="ServingException"/> when one has none.</summary>
    public static ModelSet LoadActive(ModelRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var opportunity = ActiveVersion(registry, OpportunityModelName);
        var icp = ActiveVersion(registry, IcpModelName);

        var zip = Path.Combine(opportunity.Directory, OpportunityModelFile);
        if (!File.Exists(zip))
        {
            throw new ServingException($"model {OpportunityModelName} {opportunity.Version} has no {OpportunityModelFile} in {opportunity.Directory}");
        }

        var opportunityScorer = OpportunityScorer.Load(zip);
        try
        {
            var icpScorer = IcpScorer.Load(icp.Directory);
            return new ModelSet(opportunityScorer, opportunity.Card with { Version = opportunity.Version }, icpScorer, icp.Card with { Version = icp.Version });
        }
        catch
        {
            opportunityScorer.Dispose();
            throw;
        }
    }

    /// <summary>Releases both scorers' pooled prediction engines; the set must not be used afterwards.</summary>
    public void Dispose()
    {
        Opportunity.Dispose();
        Icp.Dispose();
    }

    private static ModelVersion ActiveVersion(ModelRegistry registry, string model) =>
        registry.Active(model) ?? throw new ServingException(
            registry.Versions(model).Count == 0
                ? $"model {model} has no versions in {registry.Root}: train one first (gtm train)"
                : $"model {model} has no active version in {registry.Root}: promote one (gtm models promote {model} VERSION)");
}
