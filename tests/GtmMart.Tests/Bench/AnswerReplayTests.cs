using Grpc.Core;
using Grpc.Net.Client;
using GtmMart.Bench.Serving;
using GtmMart.Contracts.V1;
using GtmMart.Tests.Grpc;
using Microsoft.AspNetCore.Builder;

namespace GtmMart.Tests.Bench;

/// <summary>
/// The serving benchmark's answer-only baseline (<see cref="AnswerReplay"/>), on the real host beside the real services:
/// it must send the real answers it was given, in turn, behind the same API-key interceptor, or the ceiling it
/// measures would be of something lighter than a scoring answer.
/// </summary>
public sealed class AnswerReplayTests(GrpcServerFixture server) : IClassFixture<GrpcServerFixture>
{
    [Fact]
    public async Task It_replays_the_recorded_answers_in_turn_behind_the_api_key_check()
    {
        var app = server.CreateApp();
        app.MapGrpcService<AnswerReplay>();
        var address = await GrpcServerFixture.StartAsync(app);
        try
        {
            using var channel = GrpcChannel.ForAddress(address);
            var ids = server.State.Features!.OpenOpportunities.Take(3).Select(o => o.OpportunityId).ToArray();
            var recorded = (await server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { ids } }, GrpcServerFixture.Auth()))
                .Results.Select(r => new ScoreOpportunitiesResponse { Results = { r } }).ToList();
            Assert.All(recorded, r => Assert.Equal(OpportunityResult.ResultOneofCase.Score, r.Results[0].ResultCase));
            AnswerReplay.Use(recorded);

            var invoker = channel.CreateCallInvoker();
            var request = new ScoreOpportunitiesRequest { OpportunityIds = { "any-id" } };
            var replayed = new List<ScoreOpportunitiesResponse>();
            for (var i = 0; i < 4; i++)
            {
                replayed.Add(await invoker.AsyncUnaryCall(AnswerReplay.ClientMethod, null, GrpcServerFixture.Auth(), request));
            }

            Assert.Equal([recorded[0], recorded[1], recorded[2], recorded[0]], replayed);
            Assert.InRange(AnswerReplay.AverageAnswerBytes, recorded.Min(r => r.CalculateSize()), recorded.Max(r => r.CalculateSize()));

            var denied = await Assert.ThrowsAsync<RpcException>(async () =>
                await invoker.AsyncUnaryCall(AnswerReplay.ClientMethod, null, new CallOptions(), request));
            Assert.Equal(StatusCode.Unauthenticated, denied.StatusCode);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
