using GtmMart.Contracts.V1;
using GtmMart.Server.Services;
using GtmMart.Serving;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace GtmMart.Tests.Grpc;

/// <summary>Runs alone (no other test allocating at the same time), so the managed heap it measures is its own server's.</summary>
[CollectionDefinition(nameof(ReloadMemoryTests), DisableParallelization = true)]
public sealed class ReloadMemoryRunsAlone;

/// <summary>Memory comes back after model reloads: replaced models and their score caches are released.</summary>
[Collection(nameof(ReloadMemoryTests))]
public sealed class ReloadMemoryTests(GrpcServerFixture server, ITestOutputHelper output) : IClassFixture<GrpcServerFixture>
{
    [Fact]
    public async Task After_20_reloads_without_traffic_memory_is_within_20_percent_of_after_the_first_load_and_old_models_are_freed()
    {
        var access = server.App.Services.GetRequiredService<ServingAccess>();
        var id = server.State.Features!.OpenOpportunities[0].OpportunityId;
        await server.Models.ReloadModelsAsync(new ReloadModelsRequest(), GrpcServerFixture.Auth());
        await server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { id } }, GrpcServerFixture.Auth());
        await server.Reporting.GetPriorityAccountsAsync(new GetPriorityAccountsRequest { Limit = 5 }, GrpcServerFixture.Auth());
        await access.Filling;
        var afterFirst = Settled();

        var replaced = new List<WeakReference>();
        for (var i = 0; i < 20; i++)
        {
            replaced.Add(new WeakReference(server.State.Models.Current));
            replaced.Add(new WeakReference(access.Snapshot().Scores));
            await server.Models.ReloadModelsAsync(new ReloadModelsRequest(), GrpcServerFixture.Auth());
            if (i == 0)
            {
                // The cached priority ranking of the replaced models must not keep them either.
                await server.Reporting.GetPriorityAccountsAsync(new GetPriorityAccountsRequest { Limit = 5 }, GrpcServerFixture.Auth());
            }

            await access.Filling;
        }

        var afterReloads = Settled();
        var alive = replaced.Count(r => r.IsAlive);
        output.WriteLine($"managed heap: {afterFirst / 1e6:F1} MB after the first load, {afterReloads / 1e6:F1} MB after 20 reloads ({afterReloads / (double)afterFirst:P0})");
        Assert.True(alive == 0, $"{alive} of {replaced.Count} replaced model sets and score caches are still reachable");
        Assert.True(afterReloads <= afterFirst * 1.2,
            $"managed heap {afterReloads / 1e6:F1} MB after 20 reloads against {afterFirst / 1e6:F1} MB after the first load");
    }

    /// <summary>The managed heap after full, compacting collections (finalizers run in between).</summary>
    private static long Settled()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
