using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using GtmMart.Contracts.V1;
using GtmMart.Server;
using GtmMart.Serving;
using Microsoft.Extensions.DependencyInjection;

namespace GtmMart.Tests.Grpc;

/// <summary>Prometheus metrics at /metrics on the REST endpoint, and grpc.health.v1 per service.</summary>
public sealed class TelemetryTests(GrpcServerFixture server) : IClassFixture<GrpcServerFixture>
{
    [Fact]
    public async Task Metrics_show_call_durations_by_method_and_status_scores_served_cache_hits_and_the_served_versions()
    {
        var ids = server.State.Features!.OpenOpportunities.Take(4).Select(o => o.OpportunityId).ToList();
        await server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { ids } }, GrpcServerFixture.Auth());
        await server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { ids } }, GrpcServerFixture.Auth());
        await server.Scoring.ScoreAccountsAsync(new ScoreAccountsRequest { AccountIds = { server.State.Features.Accounts[0].AccountId } }, GrpcServerFixture.Auth());
        await Assert.ThrowsAsync<RpcException>(() => server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { ids } }).ResponseAsync);

        using var http = new HttpClient { BaseAddress = new Uri(server.RestAddress) };
        var text = await http.GetStringAsync(new Uri(GtmServer.MetricsPath, UriKind.Relative));
        var lines = text.Split('\n');

        Assert.Contains(lines, l => l.StartsWith("rpc_server_call_duration_seconds_count{", StringComparison.Ordinal)
            && l.Contains("rpc_method=\"ScoreOpportunities\"", StringComparison.Ordinal) && l.Contains("rpc_grpc_status_code=\"0\"", StringComparison.Ordinal)
            && Value(l) >= 2);
        Assert.Contains(lines, l => l.StartsWith("rpc_server_call_duration_seconds_count{", StringComparison.Ordinal)
            && l.Contains("rpc_method=\"ScoreOpportunities\"", StringComparison.Ordinal) && l.Contains("rpc_grpc_status_code=\"16\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("gtm_scores_served_total{", StringComparison.Ordinal) && l.Contains("kind=\"opportunity\"", StringComparison.Ordinal) && Value(l) >= 8);
        Assert.Contains(lines, l => l.StartsWith("gtm_scores_served_total{", StringComparison.Ordinal) && l.Contains("kind=\"account\"", StringComparison.Ordinal) && Value(l) >= 1);
        Assert.Contains(lines, l => l.StartsWith("gtm_score_cache_hits_total{", StringComparison.Ordinal) && Value(l) >= 4);
        var models = server.State.Models.Current!;
        Assert.Contains(lines, l => l.StartsWith("gtm_models_active{", StringComparison.Ordinal)
            && l.Contains("model=\"opportunity-scoring\"", StringComparison.Ordinal) && l.Contains($"version=\"{models.OpportunityVersion}\"", StringComparison.Ordinal) && Value(l) == 1);
        Assert.Contains(lines, l => l.StartsWith("gtm_models_active{", StringComparison.Ordinal)
            && l.Contains("model=\"icp\"", StringComparison.Ordinal) && l.Contains($"version=\"{models.IcpVersion}\"", StringComparison.Ordinal));
    }

    private static double Value(string line) =>
        double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Health_answers_per_service_NOT_SERVING_until_loaded_except_the_registry_and_NOT_FOUND_for_an_unknown_name()
    {
        string[] services = ["", "gtm.v1.ScoringService", "gtm.v1.ReportingService", "gtm.v1.WriteBackService", "gtm.v1.ModelService", "gtm.v1.ScoreHistoryService"];
        var health = new Health.HealthClient(server.Channel);
        foreach (var service in services)
        {
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = service })).Status);
        }

        var unknown = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest { Service = "gtm.v1.NoSuchService" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);

        await using var app = server.CreateApp();
        var address = await GrpcServerFixture.StartAsync(app);
        using var channel = GrpcChannel.ForAddress(address);
        var before = new Health.HealthClient(channel);
        foreach (var service in services[..4])
        {
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await before.CheckAsync(new HealthCheckRequest { Service = service })).Status);
        }

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await before.CheckAsync(new HealthCheckRequest { Service = "gtm.v1.ModelService" })).Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await before.CheckAsync(new HealthCheckRequest { Service = "gtm.v1.ScoreHistoryService" })).Status);
        app.Services.GetRequiredService<ServingState>().Load();
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await before.CheckAsync(new HealthCheckRequest { Service = "gtm.v1.ScoringService" })).Status);
        await app.StopAsync();
    }
}
