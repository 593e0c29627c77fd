using Grpc.Core;
using GtmMart.Contracts.V1;
using GtmMart.Server;
using GtmMart.Server.Services;
using GtmMart.Serving;
using GtmMart.Tests.Support;
using GtmMart.Warehouse.Connection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace GtmMart.Tests.Grpc;

/// <summary>
/// The reporting service: the funnel runs sql/reports/api/channel_funnel.sql with the request's values as parameters
/// and says what to run when the warehouse has no published mart or no funnel view (found in the catalog, not in an
/// error's text); the priority ranking is computed once per serving snapshot and again for a new one.
/// </summary>
public sealed class ReportingApiTests(GrpcServerFixture server) : IClassFixture<GrpcServerFixture>
{
    private ServingAccess Access => server.App.Services.GetRequiredService<ServingAccess>();

    [Fact]
    public async Task The_ranking_is_computed_once_per_snapshot_and_again_when_the_features_change()
    {
        var first = await server.Reporting.GetPriorityAccountsAsync(new GetPriorityAccountsRequest { Limit = 5 }, GrpcServerFixture.Auth());
        var ranking = Access.Snapshot().PriorityAccounts;
        var second = await server.Reporting.GetPriorityAccountsAsync(new GetPriorityAccountsRequest { Limit = 5 }, GrpcServerFixture.Auth());

        Assert.Same(ranking, Access.Snapshot().PriorityAccounts);
        Assert.Equal(first, second);
        Assert.Equal(ranking.Take(5), first.Accounts);

        server.State.RefreshFeatures();
        var refreshed = Access.Snapshot().PriorityAccounts;

        Assert.NotSame(ranking, refreshed);
        Assert.Equal(PriorityRanking.Rank(server.State.Models.Current!, server.State.Features!).Accounts, refreshed);
        // The same data loaded again ranks the same.
        Assert.Equal(ranking, refreshed);
    }

    [Fact]
    public void Priority_is_fit_over_100_times_open_pipeline_times_best_win_probability()
    {
        var ranking = Access.Snapshot().PriorityAccounts;

        Assert.NotEmpty(ranking);
        Assert.Equal(30.0, PriorityRanking.Priority(60, 1_000, 0.05), 12);
        Assert.All(ranking, a => Assert.Equal(a.FitScore / 100.0 * (a.OpenPipelineUsdCents / 100.0) * a.BestWinProbability, a.Priority));
    }

    [Fact]
    public async Task The_funnel_filters_by_channel_through_a_parameter_and_unset_means_every_channel()
    {
        var every = await server.Reporting.GetChannelFunnelAsync(new GetChannelFunnelRequest { MonthFrom = "2025-01", MonthTo = "2025-12" }, GrpcServerFixture.Auth());
        // A hostile channel is a value, not SQL: it matches no channel of the mart and is refused naming the allowed ones.
        var hostile = await Assert.ThrowsAsync<RpcException>(() => server.Reporting.GetChannelFunnelAsync(
            new GetChannelFunnelRequest { MonthFrom = "2025-01", MonthTo = "2025-12", Channel = "x' or '1'='1" }, GrpcServerFixture.Auth()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, hostile.StatusCode);
        Assert.Contains("allowed: Direct", hostile.Status.Detail, StringComparison.Ordinal);
        var direct = await server.Reporting.GetChannelFunnelAsync(new GetChannelFunnelRequest { MonthFrom = "2025-01", MonthTo = "2025-12", Channel = "direct" }, GrpcServerFixture.Auth());
        Assert.NotEmpty(direct.Rows);
        Assert.All(direct.Rows, r => Assert.Equal("Direct", r.Channel));

        Assert.True(every.Rows.Select(r => r.Channel).Distinct().Count() > 2);
        using var connection = server.Db.Warehouse.Open();
        Assert.Equal(
            connection.Scalar<long>("select count(*) from mart.mrt_monthly_channel_metrics where month between date '2025-01-01' and date '2025-12-01'"),
            every.Rows.Count);
    }

    [Fact]
    public void The_funnel_on_a_warehouse_without_a_published_mart_says_to_build()
    {
        using var folder = new TempDirectory();

        var error = Assert.Throws<RpcException>(() => Funnel(new DuckDbWarehouse(folder.File("empty.duckdb"))));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("the warehouse has no published mart: run gtm build first", error.Status.Detail);
    }

    [Fact]
    public void The_funnel_on_a_mart_without_the_funnel_view_names_it()
    {
        using var folder = new TempDirectory();
        var copy = folder.File("copy.duckdb");
        File.Copy(server.Db.Warehouse.DatabasePath, copy);
        var warehouse = new DuckDbWarehouse(copy);
        using (var connection = warehouse.Open())
        {
            connection.Execute("drop view mart.mrt_monthly_channel_metrics");
        }

        var error = Assert.Throws<RpcException>(() => Funnel(warehouse));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("the published mart has no mart.mrt_monthly_channel_metrics: run gtm build first", error.Status.Detail);
    }

    private GetChannelFunnelResponse Funnel(IWarehouse warehouse)
    {
        var options = server.App.Services.GetRequiredService<ServerOptions>();
        var access = new ServingAccess(new ServingState(warehouse, server.Registry), options, server.App.Services.GetRequiredService<GtmMart.Server.Telemetry.ServerMetrics>(), NullLogger<ServingAccess>.Instance);
        return new ReportingApi(access)
            .GetChannelFunnel(new GetChannelFunnelRequest { MonthFrom = "2025-01", MonthTo = "2025-03" }, new TestCallContext(CancellationToken.None))
            .GetAwaiter().GetResult();
    }
}
