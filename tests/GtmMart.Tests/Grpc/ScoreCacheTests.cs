using GtmMart.Contracts.V1;
using GtmMart.Server.Services;
using GtmMart.Server.Wire;
using Microsoft.Extensions.DependencyInjection;

namespace GtmMart.Tests.Grpc;

/// <summary>
/// The server's score cache: a repeated id is answered from it with the very score the model gives, it belongs to one
/// pair of models and features (a refresh starts an empty one), and it never holds more than its capacity.
/// </summary>
public sealed class ScoreCacheTests(GrpcServerFixture server) : IClassFixture<GrpcServerFixture>
{
    private ServingAccess Access => server.App.Services.GetRequiredService<ServingAccess>();

    private string[] OpenOpportunityIds(int n) => server.State.Features!.OpenOpportunities.Take(n).Select(o => o.OpportunityId).ToArray();

    [Fact]
    public async Task A_repeated_request_is_answered_from_the_cache_with_the_models_own_score()
    {
        var ids = OpenOpportunityIds(5);
        var request = new ScoreOpportunitiesRequest { OpportunityIds = { ids } };

        var first = await server.Scoring.ScoreOpportunitiesAsync(request, GrpcServerFixture.Auth());
        var cache = Access.Snapshot().Scores;
        var second = await server.Scoring.ScoreOpportunitiesAsync(request, GrpcServerFixture.Auth());

        Assert.Same(cache, Access.Snapshot().Scores);
        Assert.All(ids, id => Assert.True(cache.TryGet(id, out _), $"{id} not cached"));
        Assert.Equal(first, second);
        var models = server.State.Models.Current!;
        foreach (var result in second.Results)
        {
            Assert.True(server.State.Features!.TryGetOpportunity(result.Score.OpportunityId, out var row));
            var fresh = models.Opportunity.Score(row);
            Assert.Equal(fresh.Probability, result.Score.Probability, 6);
            Assert.Equal(fresh.TopPositive.Select(f => f.Text), result.Score.TopPositive.Select(f => f.Text));
        }
    }

    [Fact]
    public async Task With_the_cache_off_the_scores_are_the_same_and_nothing_is_kept()
    {
        var ids = OpenOpportunityIds(8).Skip(5).ToArray();
        var capacity = Access.ScoreCacheCapacity;
        ScoreOpportunitiesResponse uncached;
        try
        {
            Access.ScoreCacheCapacity = 0;
            uncached = await server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { ids } }, GrpcServerFixture.Auth());
            Assert.Same(ScoreCache.None, Access.Snapshot().Scores);
        }
        finally
        {
            Access.ScoreCacheCapacity = capacity;
        }

        Assert.All(ids, id => Assert.False(Access.Snapshot().Scores.TryGet(id, out _), $"{id} was cached while the cache was off"));
        var cached = await server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { ids } }, GrpcServerFixture.Auth());
        Assert.Equal(uncached, cached);
    }

    [Fact]
    public async Task A_feature_refresh_starts_an_empty_cache()
    {
        var ids = OpenOpportunityIds(3);
        await server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { ids } }, GrpcServerFixture.Auth());
        var before = Access.Snapshot().Scores;
        Assert.True(before.Count >= 3);

        server.State.RefreshFeatures();
        var after = Access.Snapshot().Scores;

        Assert.NotSame(before, after);
        Assert.Equal(0, after.Count);
        Assert.False(before.IsFor(server.State.Models.Current!, server.State.Features!));
        Assert.True(after.IsFor(server.State.Models.Current!, server.State.Features!));
        await server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { ids } }, GrpcServerFixture.Auth());
        Assert.Equal(3, after.Count);
    }

    [Fact]
    public void The_cache_never_holds_more_than_its_capacity()
    {
        var snapshot = Access.Snapshot();
        var cache = new ScoreCache(snapshot.Models, snapshot.Features, capacity: 2);
        var scores = OpenOpportunityIds(3).Select(id => new OpportunityScore { OpportunityId = id, Score = 50 }).ToArray();

        var kept = scores.Select(cache.Keep).ToArray();

        Assert.Equal(scores, kept);
        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet(scores[0].OpportunityId, out _));
        Assert.True(cache.TryGet(scores[1].OpportunityId, out _));
        Assert.False(cache.TryGet(scores[2].OpportunityId, out _));
        Assert.True(ScoreWire.IsPrecoded(scores[0]) && ScoreWire.IsPrecoded(scores[1]), "a kept score is not precoded");
        Assert.False(ScoreWire.IsPrecoded(scores[2]), "a score the cache had no room for was precoded");
        Assert.True(cache.IsFor(snapshot.Models, snapshot.Features));
        Assert.False(ScoreCache.None.IsFor(snapshot.Models, snapshot.Features));
    }
}
