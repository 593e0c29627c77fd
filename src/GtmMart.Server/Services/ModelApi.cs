using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using GtmMart.Contracts.V1;
using GtmMart.Scoring.Registry;
using GtmMart.Warehouse.Connection;
using Microsoft.Extensions.Logging;

namespace GtmMart.Server.Services;

/// <summary>gtm.v1.ModelService: the registry's models and cards, and the atomic swap of the served models.</summary>
public sealed partial class ModelApi(ServingAccess serving, ILogger<ModelApi> logger) : ModelService.ModelServiceBase
{
    private static readonly SemaphoreSlim ReloadGate = new(1, 1);

    public override Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context)
    {
        var registry = serving.State.Models.Registry;
        var current = serving.State.Models.Current;
        var response = new ListModelsResponse();
        foreach (var name in registry.Models())
        {
            var info = new ModelInfo
            {
                Name = name,
                ServedVersion = current is null ? ""
                    : name == current.OpportunityModel ? current.OpportunityVersion
                    : name == current.IcpModel ? current.IcpVersion
                    : "",
            };
            var events = registry.Events(name);
            foreach (var version in registry.Versions(name))
            {
                var status = VersionStatus.Of(version, events);
                var card = version.Card;
                var entry = new ModelVersionInfo
                {
                    Version = version.Version,
                    Active = version.IsActive,
                    CreatedAt = Timestamp.FromDateTime(DateTime.SpecifyKind(card.CreatedAtUtc, DateTimeKind.Utc)),
                    Algorithm = card.Algorithm,
                    Status = status.Status,
                    StatusReason = status.Why,
                    Forced = status.Forced,
                    Kind = ProtoMapping.Reference(name, version.Version, card).Kind,
                    Trust = ProtoMapping.ToProto(card.Trust),
                    TrustReason = card.TrustReason,
                    SourceWarehouse = card.SourceWarehouse ?? "",
                    SourceBuildId = card.SourceBuildId ?? 0,
                    DataHash = card.DataHash,
                };
                entry.Headline.Add(version.Card.Headline.ToDictionary());
                info.Versions.Add(entry);
            }

            response.Models.Add(info);
        }

        return Task.FromResult(response);
    }

    public override Task<GetModelCardResponse> GetModelCard(GetModelCardRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var violations = new Violations();
        request.Name = RequestText.Id(request.Name);
        var wanted = RequestText.Optional(request.HasVersion, request.Version);
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            violations.Add("name", "must name a model, e.g. opportunity-scoring or icp");
        }
        else if (request.Name.Length > 128 || request.Name.IndexOfAny(['/', '\\']) >= 0 || request.Name.StartsWith('.'))
        {
            violations.Add("name", "is not a model name");
        }

        if (wanted is not null && !IsVersion(wanted))
        {
            violations.Add("version", "must look like v0001");
        }

        violations.ThrowIfAny();

        var registry = serving.State.Models.Registry;
        var versions = registry.Versions(request.Name);
        if (versions.Count == 0)
        {
            throw RpcErrors.NotFound($"no model named '{request.Name}' in the registry");
        }

        var version = wanted is not null
            ? versions.FirstOrDefault(v => v.Version == wanted)
                ?? throw RpcErrors.NotFound($"model '{request.Name}' has no version '{wanted}'")
            : versions.FirstOrDefault(v => v.IsActive)
                ?? throw RpcErrors.NotFound($"model '{request.Name}' has no active version");

        var response = new GetModelCardResponse
        {
            Model = ProtoMapping.Reference(version.Model, version.Version, version.Card),
            CardJson = JsonSerializer.Serialize(version.Card, ModelCard.Json),
        };
        response.Headline.Add(version.Card.Headline.ToDictionary());
        return Task.FromResult(response);
    }

    /// <summary>The categories the served models know, per categorical field of the inline requests.</summary>
    public override Task<GetAllowedValuesResponse> GetAllowedValues(GetAllowedValuesRequest request, ServerCallContext context)
    {
        var snapshot = serving.Snapshot();
        var response = new GetAllowedValuesResponse();
        if (snapshot.Models.HasOpportunity)
        {
            // In the catalog's order (every categorical feature a model uses is declared there).
            var known = snapshot.Models.Opportunity.KnownCategories;
            foreach (var feature in InlineMapping.Default.Catalog.Features.Where(f => known.ContainsKey(f.Name)))
            {
                response.Fields.Add(Allowed($"{nameof(InlineOpportunity)}.{feature.ProtoField}", feature.Name, snapshot.OpportunityModel, known[feature.Name]));
            }
        }

        if (snapshot.Models.HasIcp)
        {
            foreach (var (feature, values) in snapshot.Models.Icp.KnownCategories)
            {
                response.Fields.Add(Allowed($"{nameof(InlineAccount)}.{InlineAccountMapping.Field(feature)}", feature, snapshot.IcpModel, values));
            }
        }

        return Task.FromResult(response);
    }

    private static AllowedValues Allowed(string field, string feature, ModelRef model, IReadOnlyList<string> values)
    {
        var allowed = new AllowedValues { Field = field, Feature = feature, Model = model };
        allowed.Values.AddRange(values);
        return allowed;
    }

    public override async Task<ReloadModelsResponse> ReloadModels(ReloadModelsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await ReloadGate.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        try
        {
            var models = serving.State.Models.Reload();
            serving.Publish();
            LogReloaded(logger, models.OpportunityModel, models.OpportunityVersion, models.IcpModel, models.IcpVersion);
            return new ReloadModelsResponse { Opportunity = ProtoMapping.OpportunityModel(models), Icp = ProtoMapping.IcpModel(models) };
        }
        catch (Exception ex) when (ex is WarehouseException or ArgumentException or InvalidOperationException or IOException or InvalidDataException)
        {
            LogReloadFailed(logger, ex.Message);
            throw RpcErrors.FailedPrecondition("could not load the registry's active models (the served models are unchanged): " + ex.Message);
        }
        finally
        {
            ReloadGate.Release();
        }
    }

    private static bool IsVersion(string version) =>
        version.Length == 5 && version[0] == 'v' && version.Skip(1).All(char.IsAsciiDigit);

    [LoggerMessage(Level = LogLevel.Information, Message = "models reloaded: {OpportunityModel} {OpportunityVersion}, {IcpModel} {IcpVersion}")]
    private static partial void LogReloaded(ILogger logger, string opportunityModel, string opportunityVersion, string icpModel, string icpVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "model reload failed, still serving the previous models: {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string reason);
}
