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
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            violations.Add("name", "must name a model, e.g. opportunity-scoring or icp");
        }
        else if (request.Name.Length > 128 || request.Name.IndexOfAny(['/', '\\']) >= 0 || request.Name.StartsWith('.'))
        {
            violations.Add("name", "is not a model name");
        }

        if (request.HasVersion && !IsVersion(request.Version))
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

        var version = request.HasVersion
            ? versions.FirstOrDefault(v => v.Version == request.Version)
                ?? throw RpcErrors.NotFound($"model '{request.Name}' has no version '{request.Version}'")
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
