using Google.Protobuf;
using GtmMart.Bench.Serving;
using GtmMart.Contracts.V1;
using GtmMart.Tests.Grpc;

namespace GtmMart.Tests.Bench;

/// <summary>
/// The serving benchmark's floor in the call (<see cref="ServerWork"/>) must do the server's real work: for each id it
/// must encode the very answer the uncached server sends, or the floor would be of something lighter than a call.
/// </summary>
public sealed class ServerWorkTests(GrpcServerFixture server) : IClassFixture<GrpcServerFixture>
{
    [Fact]
    public async Task It_encodes_the_answer_the_uncached_server_sends_for_each_id()
    {
        var features = server.State.Features!;
        string[] ids = [.. features.OpenOpportunities.Take(3).Select(o => o.OpportunityId), .. features.Opportunities.Where(o => o.IsClosed).Take(2).Select(o => o.OpportunityId)];
        Assert.Equal(5, ids.Length);

        var compared = await server.WithUncachedServerAsync(async (client, access) =>
        {
            var work = new ServerWork(access.Snapshot(), ids);
            for (var i = 0; i < ids.Length; i++)
            {
                var sent = await client.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { ids[i] } }, GrpcServerFixture.Auth());
                var bytes = work.Answer(i);
                var encoded = ScoreOpportunitiesResponse.Parser.ParseFrom(bytes);
                Assert.Equal(OpportunityResult.ResultOneofCase.Score, encoded.Results.Single().ResultCase);
                Assert.Equal(ids[i], encoded.Results[0].Score.OpportunityId);

                // Each scoring stamps the time it ran: the one field in which two scorings of an id differ.
                Assert.NotNull(encoded.Results[0].Score.ScoredAt);
                encoded.Results[0].Score.ScoredAt = sent.Results[0].Score.ScoredAt;
                Assert.Equal(sent, encoded);
                Assert.Equal(sent.ToByteArray(), encoded.ToByteArray());
            }

            return ids.Length;
        });
        Assert.Equal(5, compared);
    }
}
