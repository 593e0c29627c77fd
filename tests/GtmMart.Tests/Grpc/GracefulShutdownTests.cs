using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using GtmMart.Contracts.V1;
using GtmMart.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace GtmMart.Tests.Grpc;

/// <summary>
/// Stopping the host while calls are in flight: they finish with OK (Kestrel stops accepting, then waits up to the
/// shutdown timeout for running requests), and calls made after the stop fail. Uses its own server over the
/// fixture's warehouse and registry so the shared server stays up for the other tests.
/// </summary>
public sealed class GracefulShutdownTests(GrpcServerFixture server) : IClassFixture<GrpcServerFixture>
{
    /// <summary>Bound on each wait (a hang guard, no speed check: the machine may be busy with other work).</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>A send still waiting after this long is held by flow control: the stream has backed up.</summary>
    private static readonly TimeSpan BackedUp = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long these tests' own servers wait for in-flight calls when stopping: far above anything the tests wait for,
    /// so a machine busy with other work cannot make a graceful stop look like a forced one or the reverse.
    /// </summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Stopping_the_host_lets_an_in_flight_stream_finish_with_OK_and_later_calls_fail()
    {
        await WithOwnServerAsync(async (app, address, client) =>
        {
            var ids = server.State.Features!.OpenOpportunities.Take(50).Select(o => o.OpportunityId).ToArray();
            Assert.NotEmpty(ids);

            using var call = client.ScoreStream(GrpcServerFixture.Auth(deadline: Bound));
            var firstResponse = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var reader = Task.Run(async () =>
            {
                var scored = 0;
                await foreach (var response in call.ResponseStream.ReadAllAsync())
                {
                    Assert.Equal(ScoreStreamResponse.ResultOneofCase.Opportunity, response.ResultCase);
                    scored++;
                    firstResponse.TrySetResult();
                }

                return scored;
            });

            // The writer sends 10 ids, waits for the first answer, asks the host to stop, and keeps sending for half a
            // second after that. Counted from the stop, not from the first send: a slow start on a busy machine must
            // not end the loop before the stop was asked for.
            var sent = 0;
            Task? stop = null;
            var sinceStop = new Stopwatch();
            while (stop is null || sinceStop.Elapsed < TimeSpan.FromSeconds(0.5))
            {
                await call.RequestStream.WriteAsync(new ScoreStreamRequest { OpportunityId = ids[sent % ids.Length] });
                sent++;
                if (stop is null && sent >= 10)
                {
                    await firstResponse.Task.WaitAsync(Bound);
                    stop = app.StopAsync();
                    sinceStop.Start();
                }

                await Task.Delay(5);
            }

            Assert.False(stop.IsCompleted, "the host stopped while a call was still in flight");
            await call.RequestStream.CompleteAsync();
            var scored = await reader.WaitAsync(Bound);
            Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
            Assert.Equal(sent, scored);
            await stop.WaitAsync(Bound);

            // After the stop nothing listens any more: a new call fails, on a new channel and on the old one.
            using var later = GrpcChannel.ForAddress(address);
            var afterNew = await Assert.ThrowsAsync<RpcException>(() => new ScoringService.ScoringServiceClient(later)
                .ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { ids[0] } }, GrpcServerFixture.Auth(deadline: TimeSpan.FromSeconds(5))).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, afterNew.StatusCode);
            var afterOld = await Assert.ThrowsAsync<RpcException>(() => client
                .ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { ids[0] } }, GrpcServerFixture.Auth(deadline: TimeSpan.FromSeconds(5))).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, afterOld.StatusCode);
        });
    }

    [Fact]
    public async Task A_client_that_never_reads_and_then_cancels_a_bulk_stream_leaves_the_server_free()
    {
        await WithOwnServerAsync(async (app, _, client) =>
        {
            var ids = server.State.Features!.OpenOpportunities.Take(256).Select(o => o.OpportunityId).ToArray();

            // Chunks of ids, never reading the answers: they back up (HTTP/2 flow control), the server's writer and
            // then its scoring stage wait, the client's sends block; the client gives up once a send has waited 2 s
            // (counted from that send, so a slow start on a busy machine is not taken for backpressure).
            using var cancel = new CancellationTokenSource();
            using var call = client.ScoreStream(GrpcServerFixture.Auth(deadline: Bound).WithCancellationToken(cancel.Token));
            var sent = 0;
            var gaveUp = await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                while (sent < 100_000)
                {
                    var send = call.RequestStream.WriteAsync(new ScoreStreamRequest { Opportunities = new ScoreOpportunitiesRequest { OpportunityIds = { ids } } }, cancel.Token);
                    if (await Task.WhenAny(send, Task.Delay(BackedUp)) != send)
                    {
                        await cancel.CancelAsync();
                    }

                    await send;
                    sent++;
                }
            });
            Assert.True(gaveUp is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled }, gaveUp.ToString());
            Assert.True(sent is > 2 and < 100_000, $"the sends backed up after {sent} chunks");

            // The server answers a new call at once, and stops without waiting out its shutdown timeout (60 s) for a
            // stream stuck on a reader that is gone.
            var again = await client.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { ids[0] } }, GrpcServerFixture.Auth(deadline: Bound));
            Assert.Equal(OpportunityResult.ResultOneofCase.Score, again.Results[0].ResultCase);
            var stopping = Stopwatch.StartNew();
            await app.StopAsync().WaitAsync(ShutdownTimeout * 2);
            Assert.True(stopping.Elapsed < ShutdownTimeout / 4, $"stopping took {stopping.Elapsed}, as if it waited for the stuck stream");
        });
    }

    /// <summary>Runs <paramref name="test"/> against a server of its own over the fixture's warehouse and registry, stopped and disposed after.</summary>
    private async Task WithOwnServerAsync(Func<WebApplication, string, ScoringService.ScoringServiceClient, Task> test)
    {
        var app = server.CreateApp(shutdownTimeout: ShutdownTimeout);
        app.Services.GetRequiredService<ServingState>().Load();
        var address = await GrpcServerFixture.StartAsync(app);
        try
        {
            using var channel = GrpcChannel.ForAddress(address);
            await test(app, address, new ScoringService.ScoringServiceClient(channel));
        }
        finally
        {
            await app.StopAsync().WaitAsync(ShutdownTimeout * 2);
            await app.DisposeAsync();
        }
    }
}
