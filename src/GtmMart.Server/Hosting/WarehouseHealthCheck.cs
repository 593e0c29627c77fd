using GtmMart.Serving;
using GtmMart.Warehouse.Connection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GtmMart.Server.Hosting;

/// <summary>
/// Whether the rpcs that read the warehouse on each call (gtm.v1.ScoreHistoryService) can answer: the embedded
/// warehouse's file exists (checked without opening it, which would create it or wait for a writer's lock); a
/// server warehouse is reached per call and answers UNAVAILABLE itself when it cannot be.
/// </summary>
public sealed class WarehouseHealthCheck(ServingState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.Warehouse is DuckDbWarehouse duck && !File.Exists(duck.DatabasePath)
            ? HealthCheckResult.Unhealthy($"no warehouse at {duck.DatabasePath}")
            : HealthCheckResult.Healthy("warehouse present"));
}
