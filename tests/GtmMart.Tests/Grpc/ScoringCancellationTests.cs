using Grpc.Core;
using GtmMart.Contracts.V1;
using GtmMart.Server.Services;
using Microsoft.Extensions.DependencyInjection;

namespace GtmMart.Tests.Grpc;

/// <summary>
/// A unary call over a long id list stops its work once the call is cancelled or past its deadline (the gRPC layer
/// cancels the call's token then), rather than scoring the whole list for nobody. Called on the service itself with
/// a call context whose token is already cancelled, since over the wire the client's own deadline answers first.
/// </summary>
public sealed class ScoringCancellationTests(GrpcServerFixture server) : IClassFixture<GrpcServerFixture>
{
    private const int Ids = 10_000;

    private ScoringApi Api => new(server.App.Services.GetRequiredService<ServingAccess>());

    /// <summary>Unknown ids: each is still looked up and answered, and none enters the score cache other tests read.</summary>
    private static IEnumerable<string> UnknownIds(string kind) => Enumerable.Range(0, Ids).Select(i => $"no-such-{kind}-{i}");

    [Theory]
    [InlineData("opportunity")]
    [InlineData("account")]
    public async Task Ids_stop_being_resolved_once_the_call_is_cancelled(string kind)
    {
        var live = await ResultsAsync(kind, CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Assert.Equal(Ids, live);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ResultsAsync(kind, cancelled.Token));
    }

    /// <summary>The number of results of a unary call over <see cref="Ids"/> unknown ids of <paramref name="kind"/>.</summary>
    private async Task<int> ResultsAsync(string kind, CancellationToken token)
    {
        var context = new TestCallContext(token);
        return kind == "opportunity"
            ? (await Api.ScoreOpportunities(new ScoreOpportunitiesRequest { OpportunityIds = { UnknownIds(kind) } }, context)).Results.Count
            : (await Api.ScoreAccounts(new ScoreAccountsRequest { AccountIds = { UnknownIds(kind) } }, context)).Results.Count;
    }
}
