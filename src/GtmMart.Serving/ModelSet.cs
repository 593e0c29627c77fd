using GtmMart.Scoring.Drift;
using GtmMart.Scoring.Icp;
using GtmMart.Scoring.Opportunity;
using GtmMart.Scoring.Registry;

namespace GtmMart.Serving;

/// <summary>
/// One immutable pair of loaded models: the opportunity scorer (a trained model or the win-rate baseline) and the
/// ICP scorer, with the registry versions and cards they came from. A request takes one set
/// (<see cref="ModelHolder.Current"/>) and uses it throughout, so its scores and the versions it reports always belong
/// together. Either side may be missing (no closed deal yet to compute even a baseline from, or no account): then
/// <see cref="HasOpportunity"/> / <see cref="HasIcp"/> is false and its scorer throws a <see cref="ServingException"/>
/// saying why.
/// </summary>
public sealed class ModelSet : IDisposable
{
    public const string OpportunityModelName = "opportunity-scoring";
    public const string IcpModelName = "icp";
    public const string OpportunityModelFile = RegisteredScorers.OpportunityModelFile;

    private readonly IOpportunityScorer? opportunity;
    private readonly IcpScorer? icp;

    public ModelSet(IOpportunityScorer opportunity, ModelCard opportunityCard, IcpScorer icp, ModelCard icpCard)
        : this(opportunity, opportunityCard, icp, icpCard, null, null)
    {
        ArgumentNullException.ThrowIfNull(opportunity);
        ArgumentNullException.ThrowIfNull(opportunityCard);
        ArgumentNullException.ThrowIfNull(icp);
        ArgumentNullException.ThrowIfNull(icpCard);
    }

    private ModelSet(IOpportunityScorer? opportunity, ModelCard? opportunityCard, IcpScorer? icp, ModelCard? icpCard, string? noOpportunity, string? noIcp)
    {
        this.opportunity = opportunity;
        OpportunityCard = opportunityCard;
        this.icp = icp;
        IcpCard = icpCard;
        MissingOpportunity = noOpportunity;
        MissingIcp = noIcp;
    }

    public bool HasOpportunity => opportunity is not null;

    public bool HasIcp => icp is not null;

    /// <summary>The opportunity scorer; a <see cref="ServingException"/> when there is none (<see cref="MissingOpportunity"/>).</summary>
    public IOpportunityScorer Opportunity => opportunity ?? throw new ServingException(MissingOpportunity ?? "no opportunity model");

    /// <summary>The ICP scorer; a <see cref="ServingException"/> when there is none (<see cref="MissingIcp"/>).</summary>
    public IcpScorer Icp => icp ?? throw new ServingException(MissingIcp ?? "no ICP model");

    /// <summary>Why there is no opportunity scorer, or null.</summary>
    public string? MissingOpportunity { get; }

    /// <summary>Why there is no ICP scorer, or null.</summary>
    public string? MissingIcp { get; }

    public string OpportunityModel { get; } = OpportunityModelName;

    /// <summary>The served version, "" when none.</summary>
    public string OpportunityVersion => OpportunityCard?.Version ?? "";

    public string IcpModel { get; } = IcpModelName;

    /// <summary>The served version, "" when none.</summary>
    public string IcpVersion => IcpCard?.Version ?? "";

    public ModelCard? OpportunityCard { get; }

    public ModelCard? IcpCard { get; }

    /// <summary>The opportunity version's drift reference (null for versions trained before references were kept).</summary>
    public DriftReference? OpportunityDrift { get; private init; }

    /// <summary>The ICP version's drift reference, or null.</summary>
    public DriftReference? IcpDrift { get; private init; }

    /// <summary>Loads the active version of both models; a clear <see cref="ServingException"/> when neither has one.</summary>
    public static ModelSet LoadActive(ModelRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var opportunityVersion = registry.Active(OpportunityModelName);
        var icpVersion = registry.Active(IcpModelName);
        if (opportunityVersion is null && icpVersion is null)
        {
            throw new ServingException(Missing(registry, OpportunityModelName) + "; " + Missing(registry, IcpModelName));
        }

        IOpportunityScorer? opportunityScorer = null;
        try
        {
            opportunityScorer = opportunityVersion is null ? null : Load(() => RegisteredScorers.LoadOpportunity(opportunityVersion));
            var icpScorer = icpVersion is null ? null : Load(() => RegisteredScorers.LoadIcp(icpVersion));
            return new ModelSet(
                opportunityScorer, Stamped(opportunityVersion),
                icpScorer, Stamped(icpVersion),
                opportunityVersion is null ? Missing(registry, OpportunityModelName) : null,
                icpVersion is null ? Missing(registry, IcpModelName) : null)
            {
                OpportunityDrift = opportunityVersion is null ? null : Load(() => DriftReference.Read(opportunityVersion.Directory)),
                IcpDrift = icpVersion is null ? null : Load(() => DriftReference.Read(icpVersion.Directory)),
            };
        }
        catch
        {
            opportunityScorer?.Dispose();
            throw;
        }
    }

    /// <summary>Releases both scorers' pooled prediction engines; the set must not be used afterwards.</summary>
    public void Dispose()
    {
        opportunity?.Dispose();
        icp?.Dispose();
    }

    private static ModelCard? Stamped(ModelVersion? version) => version is null ? null : version.Card with { Version = version.Version };

    private static T Load<T>(Func<T> load)
    {
        try
        {
            return load();
        }
        catch (InvalidDataException ex)
        {
            throw new ServingException(ex.Message);
        }
    }

    private static string Missing(ModelRegistry registry, string model) =>
        registry.Versions(model).Count == 0
            ? $"model {model} has no versions in {registry.Root}: train one first (gtm train)"
            : $"model {model} has no active version in {registry.Root}: promote one (gtm models promote {model} VERSION)";
}
