using GtmMart.Serving;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GtmMart.Server.Hosting;

/// <summary>Healthy (grpc.health.v1 SERVING) only once features and models are loaded.</summary>
public sealed class ServingReadyHealthCheck(ServingState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.Ready
            ? HealthCheckResult.Healthy("features and models loaded")
            : HealthCheckResult.Unhealthy("features and models not loaded yet"));
}
