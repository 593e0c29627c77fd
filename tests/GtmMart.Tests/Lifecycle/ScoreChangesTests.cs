using Grpc.Core;
using Grpc.Net.Client;
using GtmMart.Contracts.V1;
using GtmMart.Server;
using GtmMart.Server.Security;
using GtmMart.Serving;
using GtmMart.Tests.Grpc;
using GtmMart.Tests.Serving;
using GtmMart.Tests.Support;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.History;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;

namespace GtmMart.Tests.Lifecycle;

/// <summary>
/// Score history per run, its retention, mrt_score_changes (delta and the families that moved most, recomputed
/// here from the kept factors) and the ScoreHistoryService over a real server on 127.0.0.1.
/// </summary>
[Collection(ServingTestGroup.Name)]
public sealed class ScoreChangesTests(ServingFixture fixture)
{
    [Fact]
    public async Task Runs_are_kept_changes_explained_pruned_and_served()
    {
        using var folder = new TempDirectory();
        var db = new DuckDbWarehouse(fixture.CopyWarehouse(folder));
        var first = Write(db, "r1");

        // A later export: every open deal's source (its channel, a feature) changed to Partner, or Meta when it was, so scores move.
        var raw = fixture.Db.Folder.Sub("raw");
        var later = folder.Sub("later");
        var lines = File.ReadAllLines(Path.Combine(raw, "salesforce_opportunities.csv"));
        File.WriteAllLines(
            Path.Combine(later, "salesforce_opportunities.csv"),
            lines.Take(1).Concat(lines.Skip(1).Select(l => l.Split(',')).Where(f => f[3] is "Pipeline" or "Proposal")
                .Select(f => string.Join(',', f.Select((v, i) => i != 5 ? v : v == "Partner" ? "Meta" : "Partner")))));
        new RawLoader(db).Load(later, new LoadOptions { Append = true });
        Assert.True(new MartBuilder(db, ModelCatalog.Load(RepoPaths.Sql)).Build().Published);
        var second = Write(db, "r2");

        Assert.Equal(first.Opportunities + first.Accounts, Count(db, "select count(*) from history.scores where run_id = 'r1'"));
        Assert.Equal(second.Opportunities + second.Accounts, Count(db, "select count(*) from history.scores where run_id = 'r2'"));

        // One change row per entity scored in both runs, delta = new - previous.
        var both = Count(db, "select count(*) from history.scores as n inner join history.scores as p on p.entity_type = n.entity_type and p.entity_id = n.entity_id and p.run_id = 'r1' where n.run_id = 'r2'");
        Assert.True(both > 0);
        Assert.Equal(both, Count(db, "select count(*) from mart.mrt_score_changes where run_id = 'r2' and previous_run_id = 'r1'"));
        Assert.Equal(0L, Count(db, "select count(*) from mart.mrt_score_changes as c inner join history.scores as n on n.run_id = c.run_id and n.entity_id = c.entity_id and n.entity_type = c.entity_type inner join history.scores as p on p.run_id = c.previous_run_id and p.entity_id = c.entity_id and p.entity_type = c.entity_type where c.delta <> n.score - p.score or c.previous_score <> p.score"));
        var moved = Count(db, "select count(*) from mart.mrt_score_changes where run_id = 'r2' and entity_type = 'opportunity' and delta <> 0");
        Assert.True(moved > 10, $"only {moved} opportunity scores moved");

        // The families that moved most, recomputed here from history.score_factors.
        var factors = Rows(db, "select run_id, entity_id, family, contribution from history.score_factors where entity_type = 'opportunity'")
            .GroupBy(r => ((string)r[0]!, (string)r[1]!))
            .ToDictionary(g => g.Key, g => g.ToDictionary(r => (string)r[2]!, r => Convert.ToDouble(r[3])));
        var changes = Rows(db, "select entity_id, moved_family_1, moved_contribution_1, moved_family_2, moved_contribution_2, moved_family_3, moved_contribution_3 from mart.mrt_score_changes where run_id = 'r2' and entity_type = 'opportunity'");
        foreach (var change in changes)
        {
            var id = (string)change[0]!;
            var now = factors.GetValueOrDefault(("r2", id)) ?? [];
            var before = factors.GetValueOrDefault(("r1", id)) ?? [];
            var expected = now.Keys.Union(before.Keys)
                .Select(f => (Family: f, Moved: now.GetValueOrDefault(f) - before.GetValueOrDefault(f)))
                .Where(m => m.Moved != 0)
                .OrderByDescending(m => Math.Abs(m.Moved)).ThenBy(m => m.Family, StringComparer.Ordinal)
                .Take(3).ToList();
            for (var k = 0; k < 3; k++)
            {
                Assert.Equal(k < expected.Count ? expected[k].Family : null, change[1 + (2 * k)]);
                if (k < expected.Count)
                {
                    Assert.Equal(expected[k].Moved, Convert.ToDouble(change[2 + (2 * k)]), 1e-9);
                }
            }
        }

        // Served; while a page token is out, run r3 is written keeping two runs (the retention below).
        await Serve(db, fixture.Registry, changes.Count, () =>
        {
            using var models = ModelSet.LoadActive(fixture.Registry);
            new ScoreWriteBack(db) { Retention = new ScoreHistoryRetention(2, null) }.Run(models, FeatureStore.Load(db), "r3");
        });

        // Retention: keeping two runs dropped r1's scores, factors and nothing else.

        Assert.Equal(["r2", "r3"], Rows(db, "select distinct run_id from history.scores order by run_id").Select(r => (string)r[0]!));
        Assert.Equal(0L, Count(db, "select count(*) from history.score_factors where run_id = 'r1'"));
        Assert.Equal(0L, Count(db, "select count(*) from mart.mrt_score_changes where run_id = 'r1'"));
        Assert.True(Count(db, "select count(*) from mart.mrt_score_changes where run_id = 'r3' and previous_run_id = 'r2'") > 0);
    }

    /// <summary>
    /// GetScoreHistory and ListScoreChanges over the real host (gRPC and REST), with paging, INVALID_ARGUMENT for bad
    /// requests, a read-only key allowed (scores:read) and ABORTED for a page token older than the latest run
    /// (<paramref name="writeRun"/> writes one).
    /// </summary>
    private static async Task Serve(DuckDbWarehouse db, GtmMart.Scoring.Registry.ModelRegistry registry, int opportunityChanges, Action writeRun)
    {
        await using var app = GtmServer.Build(new ServerOptions
        {
            Warehouse = db,
            Registry = registry,
            Urls = ["http://127.0.0.1:0"],
            RestUrls = ["http://127.0.0.1:0"],
            ApiKeyHashes = [ApiKeyHashes.Entry(GrpcServerFixture.ApiKey, Scopes.All) + ";" + ApiKeyHashes.Hash(GrpcServerFixture.ReadOnlyKey)],
            LoadOnStart = false,
        });
        var address = await GrpcServerFixture.StartAsync(app);
        using var channel = GrpcChannel.ForAddress(address);
        var client = new ScoreHistoryService.ScoreHistoryServiceClient(channel);

        var id = Rows(db, "select entity_id from mart.mrt_score_changes where run_id = 'r2' and entity_type = 'opportunity' order by abs(delta) desc, entity_id limit 1")[0][0]!;
        var history = await client.GetScoreHistoryAsync(new GetScoreHistoryRequest { OpportunityId = (string)id }, GrpcServerFixture.Auth());
        Assert.Equal(["r2", "r1"], history.Entries.Select(e => e.RunId));
        Assert.All(history.Entries, e => Assert.True(e.HasProbability && e.Reasons.Count > 0 && e.Reasons.All(r => r.Family.Length > 0)));
        Assert.Equal(Convert.ToDouble(Rows(db, $"select score from history.scores where run_id = 'r2' and entity_id = '{id}'")[0][0]), history.Entries[0].Score);

        var account = (string)Rows(db, "select entity_id from history.scores where entity_type = 'account' limit 1")[0][0]!;
        var accountHistory = await client.GetScoreHistoryAsync(new GetScoreHistoryRequest { AccountId = account, MaxRuns = 1 }, GrpcServerFixture.Auth());
        Assert.Equal("r2", Assert.Single(accountHistory.Entries).RunId);
        Assert.True(accountHistory.Entries[0].HasTier);

        // Paging through every opportunity change of r2 since r1, largest first, 7 at a time.
        var seen = new List<ScoreChange>();
        var request = new ListScoreChangesRequest { SinceRunId = "r1", PageSize = 7, EntityType = ScoredEntityType.Opportunity };
        do
        {
            var page = await client.ListScoreChangesAsync(request, GrpcServerFixture.Auth());
            Assert.Equal(opportunityChanges, page.TotalSize);
            seen.AddRange(page.Changes);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        Assert.Equal(opportunityChanges, seen.Count);
        Assert.Equal(opportunityChanges, seen.Select(c => c.EntityId).Distinct().Count());
        Assert.Equal(seen.Select(c => Math.Abs(c.Delta)).OrderByDescending(d => d), seen.Select(c => Math.Abs(c.Delta)));
        Assert.Equal((string)id, seen[0].EntityId);

        var big = await client.ListScoreChangesAsync(new ListScoreChangesRequest { MinDelta = 3 }, GrpcServerFixture.Auth());
        Assert.Equal(Count(db, "select count(*) from mart.mrt_score_changes where run_id = 'r2' and abs(delta) >= 3"), big.TotalSize);

        async Task Invalid(Func<Task> call, string field)
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains(field, error.Status.Detail, StringComparison.Ordinal);
        }

        await Invalid(async () => await client.GetScoreHistoryAsync(new GetScoreHistoryRequest(), GrpcServerFixture.Auth()), "entity");
        await Invalid(async () => await client.GetScoreHistoryAsync(new GetScoreHistoryRequest { OpportunityId = " " }, GrpcServerFixture.Auth()), "opportunity_id");
        await Invalid(async () => await client.ListScoreChangesAsync(new ListScoreChangesRequest { MinDelta = -1 }, GrpcServerFixture.Auth()), "min_delta");
        await Invalid(async () => await client.ListScoreChangesAsync(new ListScoreChangesRequest { PageSize = 5000 }, GrpcServerFixture.Auth()), "page_size");
        await Invalid(async () => await client.ListScoreChangesAsync(new ListScoreChangesRequest { SinceRunId = "no-such-run" }, GrpcServerFixture.Auth()), "since_run_id");
        await Invalid(async () => await client.ListScoreChangesAsync(new ListScoreChangesRequest { PageToken = "garbage!" }, GrpcServerFixture.Auth()), "page_token");
        await Invalid(async () => await client.ListScoreChangesAsync(new ListScoreChangesRequest { SinceRunId = "r1'; drop table history.scores; --" }, GrpcServerFixture.Auth()), "since_run_id");
        var huge = await Assert.ThrowsAsync<RpcException>(async () => await client.GetScoreHistoryAsync(new GetScoreHistoryRequest { AccountId = new string('x', 100_000) }, GrpcServerFixture.Auth()));
        Assert.Equal("account_id: must be at most 256 characters", huge.Status.Detail);
        var token = (await client.ListScoreChangesAsync(new ListScoreChangesRequest { SinceRunId = "r1", PageSize = 2 }, GrpcServerFixture.Auth())).NextPageToken;
        await Invalid(async () => await client.ListScoreChangesAsync(new ListScoreChangesRequest { SinceRunId = "r1", PageSize = 3, PageToken = token }, GrpcServerFixture.Auth()), "page_token");

        // Ids are trimmed like every rpc's; a read-only key (scores:read) reads the history.
        var readOnly = await client.GetScoreHistoryAsync(new GetScoreHistoryRequest { OpportunityId = $"  {id} " }, GrpcServerFixture.Auth(GrpcServerFixture.ReadOnlyKey));
        Assert.Equal((string)id, readOnly.EntityId);
        Assert.Equal(history.Entries, readOnly.Entries);

        // REST: the same answers as JSON over HTTP/1.1.
        using var http = new HttpClient { BaseAddress = new Uri(GtmServer.RestAddresses(app).Single()), DefaultRequestVersion = System.Net.HttpVersion.Version11 };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", GrpcServerFixture.ReadOnlyKey);
        var json = Google.Protobuf.JsonParser.Default;
        var restHistory = json.Parse<GetScoreHistoryResponse>(await http.GetStringAsync(new Uri($"/v1/opportunities/{id}/score-history", UriKind.Relative)));
        Assert.Equal(history, restHistory);
        var restAccount = json.Parse<GetScoreHistoryResponse>(await http.GetStringAsync(new Uri($"/v1/accounts/{account}/score-history?max_runs=1", UriKind.Relative)));
        Assert.Equal(accountHistory, restAccount);
        var restChanges = json.Parse<ListScoreChangesResponse>(await http.GetStringAsync(new Uri("/v1/score-changes?since_run_id=r1&page_size=7&entity_type=SCORED_ENTITY_TYPE_OPPORTUNITY", UriKind.Relative)));
        Assert.Equal(await client.ListScoreChangesAsync(new ListScoreChangesRequest { SinceRunId = "r1", PageSize = 7, EntityType = ScoredEntityType.Opportunity }, GrpcServerFixture.Auth()), restChanges);
        using var bad = await http.GetAsync(new Uri("/v1/score-changes?min_delta=-1", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        using (var noKey = new HttpClient { BaseAddress = http.BaseAddress })
        {
            using var refused = await noKey.GetAsync(new Uri($"/v1/opportunities/{id}/score-history", UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // A page token taken before a new run is ABORTED after it: the listing it paged through is gone.
        var pageToken = (await client.ListScoreChangesAsync(new ListScoreChangesRequest { PageSize = 2 }, GrpcServerFixture.Auth())).NextPageToken;
        Assert.NotEmpty(pageToken);
        writeRun();
        var stale = await Assert.ThrowsAsync<RpcException>(async () => await client.ListScoreChangesAsync(new ListScoreChangesRequest { PageSize = 2, PageToken = pageToken }, GrpcServerFixture.Auth()));
        Assert.Equal(StatusCode.Aborted, stale.StatusCode);
        Assert.Contains("start again without a page token", stale.Status.Detail, StringComparison.Ordinal);
    }

    private WriteBackResult Write(DuckDbWarehouse db, string runId)
    {
        using var models = ModelSet.LoadActive(fixture.Registry);
        return new ScoreWriteBack(db).Run(models, FeatureStore.Load(db), runId);
    }

    private static long Count(DuckDbWarehouse db, string sql) => Convert.ToInt64(Rows(db, sql)[0][0]);

    private static List<object?[]> Rows(DuckDbWarehouse db, string sql)
    {
        using var connection = db.Open();
        return connection.Query(sql, TestWarehouse.ReadRow);
    }
}
