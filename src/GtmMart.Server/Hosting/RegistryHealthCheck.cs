using GtmMart.Serving;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GtmMart.Server.Hosting;

/// <summary>Healthy (grpc.health.v1 SERVING for gtm.v1.ModelService) while the model registry can be listed.</summary>
public sealed class RegistryHealthCheck(ServingState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            _ = state.Models.Registry.Models();
            return Task.FromResult(HealthCheckResult.Healthy("model registry readable"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("model registry unreadable: " + ex.Message.Split('\n')[0]));
        }
    }
}
