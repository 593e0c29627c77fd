using GtmMart.Contracts.V1;
using GtmMart.Server;
using GtmMart.Server.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace GtmMart.Tests.Grpc;

/// <summary>
/// The server's score cache: a cached id is answered from it with the very score the model gives, it belongs to one
/// pair of models and features (a refresh starts a new one), the server fills it in the background with every known
/// id's score (open opportunities first), and it never holds more than its capacity.
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
    public void An_id_scored_twice_at_once_is_answered_with_the_score_kept_first()
    {
        // A call and the background fill can score the same id at the same moment; the cache answers with the one it
        // kept, so the call that lost the race returns the same message as every later call (scored_at included).
        var cache = new ScoreCache(null, null, capacity: 10);
        var first = new OpportunityScore { OpportunityId = "OPP1", ScoredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(new DateTime(2026, 12, 5, 7, 40, 26, DateTimeKind.Utc)) };
        var second = new OpportunityScore { OpportunityId = "OPP1", ScoredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(new DateTime(2026, 12, 5, 7, 40, 27, DateTimeKind.Utc)) };

        Assert.Same(first, cache.Keep(first));
        Assert.Same(first, cache.Keep(second));
        Assert.Equal(1, cache.Count);

        var account = new AccountScore { AccountId = "ACC1" };
        Assert.Same(account, cache.Keep(account));
        Assert.Same(account, cache.Keep(new AccountScore { AccountId = "ACC1" }));
        Assert.Equal(2, cache.Count);

        // Full: a new id is answered with its own score and not kept; a kept id still with the kept one.
        var full = new ScoreCache(null, null, capacity: 1);
        Assert.Same(first, full.Keep(first));
        var other = new OpportunityScore { OpportunityId = "OPP2" };
        Assert.Same(other, full.Keep(other));
        Assert.False(full.TryGet("OPP2", out _));
        Assert.Same(first, full.Keep(second));
    }

    [Fact]
    public async Task With_the_cache_off_every_call_runs_the_model_and_gets_the_same_scores()
    {
        var ids = OpenOpportunityIds(8).Skip(5).ToArray();
        var uncached = await server.WithUncachedServerAsync(async (scoring, access) =>
        {
            var answer = await scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { ids } }, GrpcServerFixture.Auth());
            Assert.Same(ScoreCache.None, access.Snapshot().Scores);
            return answer;
        });

        Assert.Equal(0, ScoreCache.None.Count);
        Assert.All(ids, id => Assert.False(ScoreCache.None.TryGet(id, out _), $"{id} was kept by the cache that keeps nothing"));
        var cached = await server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { ids } }, GrpcServerFixture.Auth());

        // The same scores, each stamped with when it was computed: on the uncached call, and when the cache got it.
        Assert.All(uncached.Results.Concat(cached.Results), r => Assert.NotNull(r.Score.ScoredAt));
        Assert.Equal(uncached.Results.Select(r => ScoreStamps.Unstamped(r.Score)), cached.Results.Select(r => ScoreStamps.Unstamped(r.Score)));
    }

    [Fact]
    public async Task A_feature_refresh_starts_a_new_cache_that_the_server_fills_with_every_known_id()
    {
        _ = Access.Snapshot();
        await Access.Filling;
        var before = Access.Snapshot().Scores;

        server.State.RefreshFeatures();
        var after = Access.Snapshot().Scores;
        await Access.Filling;

        var features = server.State.Features!;
        Assert.NotSame(before, after);
        Assert.False(before.IsFor(server.State.Models.Current!, features));
        Assert.True(after.IsFor(server.State.Models.Current!, features));
        Assert.Equal(Math.Min(after.Capacity, features.Opportunities.Count + features.Accounts.Count), after.Count);
        var models = server.State.Models.Current!;
        foreach (var row in features.Opportunities.Where((_, i) => i % 97 == 0))
        {
            Assert.True(after.TryGet(row.OpportunityId, out var kept), $"{row.OpportunityId} not filled in");
            Assert.Equal(models.Opportunity.Score(row).Probability, kept.Probability, 6);
        }

        foreach (var row in features.Accounts.Where((_, i) => i % 31 == 0))
        {
            Assert.True(after.TryGetAccount(row.AccountId, out var kept), $"{row.AccountId} not filled in");
            Assert.Equal(models.Icp.Score(row).FitScore, kept.FitScore, 6);
        }
    }

    [Fact]
    public void A_fill_takes_the_open_opportunities_first_then_the_accounts_and_stops_when_full_or_replaced()
    {
        var snapshot = Access.Snapshot();
        var features = snapshot.Features;
        var open = features.OpenOpportunities;
        var closed = features.Opportunities.Where(o => !open.Contains(o)).ToList();
        Assert.NotEmpty(closed);

        var cache = new ScoreCache(snapshot.Models, features, capacity: open.Count + 2);
        cache.Fill(() => true);

        Assert.Equal(open.Count + 2, cache.Count);
        Assert.All(open, o => Assert.True(cache.TryGet(o.OpportunityId, out _), $"open {o.OpportunityId} not filled in"));
        Assert.True(cache.TryGetAccount(features.Accounts[0].AccountId, out _) && cache.TryGetAccount(features.Accounts[1].AccountId, out _));
        Assert.All(closed, o => Assert.False(cache.TryGet(o.OpportunityId, out _), $"closed {o.OpportunityId} filled in before the accounts"));

        var replaced = new ScoreCache(snapshot.Models, features, capacity: 1_000);
        var asked = 0;
        replaced.Fill(() => ++asked <= 5);
        Assert.Equal(5, replaced.Count);
    }

    [Fact]
    public async Task Without_prefill_the_cache_keeps_only_what_requests_computed()
    {
        var options = server.App.Services.GetRequiredService<ServerOptions>() with { PrefillScores = false };
        var access = new ServingAccess(server.State, options, server.App.Services.GetRequiredService<GtmMart.Server.Telemetry.ServerMetrics>(), NullLogger<ServingAccess>.Instance);

        var scores = access.Snapshot().Scores;
        await access.Filling;

        Assert.Equal(0, scores.Count);
        Assert.Same(scores, access.Snapshot().Scores);
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
        Assert.True(cache.IsFor(snapshot.Models, snapshot.Features));
        Assert.False(ScoreCache.None.IsFor(snapshot.Models, snapshot.Features));
    }
}
