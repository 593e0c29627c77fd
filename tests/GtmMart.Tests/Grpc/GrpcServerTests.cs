using System.Diagnostics;
using System.Globalization;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using GtmMart.Contracts.V1;
using GtmMart.Scoring.Features;
using GtmMart.Server.Services;
using GtmMart.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GtmMart.Tests.Grpc;

/// <summary>The gRPC server end to end: real Kestrel on 127.0.0.1, real client, data built by the product itself.</summary>
public sealed class GrpcServerTests(GrpcServerFixture server) : IClassFixture<GrpcServerFixture>
{
    private static readonly IcpTier[] Tiers = [IcpTier.A, IcpTier.B, IcpTier.C, IcpTier.D];

    private string[] OpenOpportunityIds(int n) => server.State.Features!.OpenOpportunities.Take(n).Select(o => o.OpportunityId).ToArray();

    private string[] AccountIds(int n) => server.State.Features!.Accounts.Take(n).Select(a => a.AccountId).ToArray();

    [Fact]
    public async Task Scoring_by_ids_returns_a_score_per_known_id_and_NOT_FOUND_for_an_unknown_one()
    {
        var ids = OpenOpportunityIds(3);
        var request = new ScoreOpportunitiesRequest { OpportunityIds = { ids[0], "no-such-opportunity", ids[1], ids[2] } };

        var response = await server.Scoring.ScoreOpportunitiesAsync(request, GrpcServerFixture.Auth());

        Assert.Equal(4, response.Results.Count);
        Assert.Equal(ids[0], response.Results[0].Score.OpportunityId);
        Assert.Equal(OpportunityResult.ResultOneofCase.Error, response.Results[1].ResultCase);
        Assert.Equal((int)Code.NotFound, response.Results[1].Error.Code);
        Assert.Equal("no-such-opportunity", response.Results[1].Error.Id);
        foreach (var result in response.Results.Where(r => r.ResultCase == OpportunityResult.ResultOneofCase.Score))
        {
            Assert.InRange(result.Score.Score, 1, 99);
            Assert.InRange(result.Score.Probability, 0, 1);
            Assert.Equal("opportunity-scoring", result.Score.Model.Name);
            Assert.StartsWith("v", result.Score.Model.Version, StringComparison.Ordinal);
            Assert.NotEmpty(result.Score.TopPositive.Concat(result.Score.TopNegative));
            var card = server.Registry.Get("opportunity-scoring", result.Score.Model.Version).Card;
            Assert.Equal(ModelKind.Model, result.Score.Model.Kind);
            Assert.Equal(ProtoMapping.ToProto(card.Trust), result.Score.Model.Trust);
            Assert.NotEqual(TrustVerdict.Unspecified, result.Score.Model.Trust);
            foreach (var (factors, direction, sign) in new[] { (result.Score.TopPositive, FactorDirection.Raises, 1), (result.Score.TopNegative, FactorDirection.Lowers, -1) })
            {
                Assert.All(factors, f =>
                {
                    Assert.Equal(direction, f.Direction);
                    Assert.Equal(sign, Math.Sign(f.Contribution));
                    Assert.Equal(OpportunityFeatureCatalog.Default[f.Feature].Family, f.Family);
                    Assert.Contains("(typical deal: ", f.Text, StringComparison.Ordinal);
                });
            }
        }
    }

    [Fact]
    public async Task Inline_scoring_scores_a_new_deal_from_its_features_and_says_what_the_model_did_not_know()
    {
        var deal = new InlineOpportunity { OpportunityId = "new-deal", AmountUsdCents = 2_500_000, Channel = "Paid Search", IsPaidMedia = 1, Sessions30D = 12, DemoVisits30D = 3, Industry = "Software" };

        var answer = await server.Scoring.ScoreOpportunityInlineAsync(new ScoreOpportunityInlineRequest { Opportunity = deal }, GrpcServerFixture.Auth());

        Assert.Equal("new-deal", answer.Score.OpportunityId);
        Assert.InRange(answer.Score.Score, 1, 99);
        Assert.Equal("opportunity-scoring", answer.Score.Model.Name);
        var warnings = answer.Warnings.ToDictionary(w => w.Field, w => w.Description);
        Assert.Equal("Unknown channel 'Paid Search'", warnings["opportunity.channel"]);
        Assert.Equal("Web sessions from the account in the last 90 days not given", warnings["opportunity.sessions_90d"]);
        Assert.Equal("Account region not given", warnings["opportunity.account_region"]);
        Assert.DoesNotContain("opportunity.sessions_30d", warnings.Keys);
        Assert.DoesNotContain("opportunity.industry", warnings.Keys);
        Assert.Contains(answer.Score.UnknownValues, u => u is { Family: "channel", Feature: "channel", Value: "Paid Search", Text: "Unknown channel 'Paid Search'" });
        Assert.Equal(answer.Warnings.Count, answer.Score.UnknownValues.Count);

        // A family holding an unknown value gives no reason.
        Assert.DoesNotContain(answer.Score.TopPositive.Concat(answer.Score.TopNegative), f => f.Feature is "channel" or "is_paid_media" or "sessions_90d");

        // Strict: the same deal is refused, a field violation per warning.
        var strict = await Assert.ThrowsAsync<RpcException>(() =>
            server.Scoring.ScoreOpportunityInlineAsync(new ScoreOpportunityInlineRequest { Opportunity = deal, Strict = true }, GrpcServerFixture.Auth()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, strict.StatusCode);
        Assert.Equal(warnings.Keys.Order(StringComparer.Ordinal), Violations(strict).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_unset_inline_number_is_scored_as_a_missing_value_not_as_zero()
    {
        var full = FullDeal();
        var unset = full.Clone();
        unset.ClearSessions30D();
        var zero = full.Clone();
        zero.Sessions30D = 0;

        var scored = await Task.WhenAll(new[] { full, unset, zero }.Select(async d =>
            await server.Scoring.ScoreOpportunityInlineAsync(new ScoreOpportunityInlineRequest { Opportunity = d }, GrpcServerFixture.Auth())));

        Assert.Empty(scored[0].Warnings);
        Assert.Equal(["opportunity.sessions_30d"], scored[1].Warnings.Select(w => w.Field));
        Assert.Empty(scored[2].Warnings);
        // As the model scores a missing value (the training mean), computed in process from a row holding NaN.
        var row = Server.Services.InlineMapping.Default.ToRow(unset);
        Assert.True(float.IsNaN(row["sessions_30d"].Number));
        var expected = server.State.Models.Current!.Opportunity.Score(row).Probability;
        Assert.Equal(expected, scored[1].Score.Probability);
        Assert.NotEqual(scored[2].Score.Probability, scored[1].Score.Probability);
    }

    /// <summary>A deal with every feature set to a value the served model knows (its typical deal's), the channel "Partner".</summary>
    private InlineOpportunity FullDeal()
    {
        var typical = Assert.IsType<GtmMart.Scoring.Opportunity.OpportunityScorer>(server.State.Models.Current!.Opportunity).Metadata!.TypicalDeal!;
        var deal = new InlineOpportunity { OpportunityId = "full", Channel = "Partner", IsPaidMedia = 0 };
        foreach (var feature in OpportunityFeatureCatalog.Default.Features.Where(f => f.Name is not ("channel" or "is_paid_media")))
        {
            var field = InlineOpportunity.Descriptor.FindFieldByName(feature.ProtoField);
            if (typical.Numbers.TryGetValue(feature.Name, out var n) && n is { } number)
            {
                field.Accessor.SetValue(deal, feature.Wire == WireUnit.UsdCents ? (object)(long)Math.Round(number * 100) : (float)number);
            }
            else if (typical.Categories.TryGetValue(feature.Name, out var text))
            {
                field.Accessor.SetValue(deal, text);
            }
        }

        return deal;
    }

    [Fact]
    public async Task Account_scoring_returns_fit_tier_segment_and_behaviour()
    {
        var ids = AccountIds(5);
        var request = new ScoreAccountsRequest { AccountIds = { ids } };
        request.AccountIds.Add("no-such-account");

        var response = await server.Scoring.ScoreAccountsAsync(request, GrpcServerFixture.Auth());

        Assert.Equal(6, response.Results.Count);
        foreach (var (result, id) in response.Results.Take(5).Zip(ids))
        {
            Assert.Equal(id, result.Score.AccountId);
            Assert.InRange(result.Score.FitScore, 0, 100);
            Assert.InRange(result.Score.BehaviourScore, 0, 100);
            Assert.Contains(result.Score.Tier, Tiers);
            Assert.True(result.Score.Segment.Id >= 1);
            Assert.Equal("icp", result.Score.Model.Name);
        }

        Assert.Equal((int)Code.NotFound, response.Results[5].Error.Code);
    }

    [Fact]
    public async Task The_bidirectional_stream_answers_every_request_in_order()
    {
        var opportunities = OpenOpportunityIds(40);
        var accounts = AccountIds(40);
        using var call = server.Scoring.ScoreStream(GrpcServerFixture.Auth());
        var reading = Task.Run(async () => await call.ResponseStream.ReadAllAsync().ToListAsync());
        foreach (var (opportunity, account) in opportunities.Zip(accounts))
        {
            await call.RequestStream.WriteAsync(new ScoreStreamRequest { OpportunityId = opportunity });
            await call.RequestStream.WriteAsync(new ScoreStreamRequest { AccountId = account });
        }

        await call.RequestStream.WriteAsync(new ScoreStreamRequest { OpportunityId = "missing" });
        await call.RequestStream.CompleteAsync();
        var responses = await reading.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal((opportunities.Length * 2) + 1, responses.Count);
        Assert.Equal(opportunities, responses.Where((_, i) => i % 2 == 0).Take(opportunities.Length).Select(r => r.Opportunity.OpportunityId));
        Assert.Equal(accounts, responses.Where((_, i) => i % 2 == 1).Select(r => r.Account.AccountId));
        Assert.Equal((int)Code.NotFound, responses[^1].Error.Code);
    }

    [Fact]
    public async Task Stream_chunks_get_one_answer_each_in_order_and_a_malformed_chunk_only_fails_itself()
    {
        var opportunities = OpenOpportunityIds(30);
        var accounts = AccountIds(5);
        var tooMany = new ScoreOpportunitiesRequest();
        tooMany.OpportunityIds.AddRange(Enumerable.Range(0, 10_001).Select(i => "o" + i.ToString(CultureInfo.InvariantCulture)));
        using var call = server.Scoring.ScoreStream(GrpcServerFixture.Auth());
        var reading = Task.Run(async () => await call.ResponseStream.ReadAllAsync().ToListAsync());
        await call.RequestStream.WriteAsync(new ScoreStreamRequest { Opportunities = new ScoreOpportunitiesRequest { OpportunityIds = { opportunities.Take(20), "missing" } } });
        await call.RequestStream.WriteAsync(new ScoreStreamRequest { OpportunityId = opportunities[25] });
        await call.RequestStream.WriteAsync(new ScoreStreamRequest { Accounts = new ScoreAccountsRequest { AccountIds = { accounts } } });
        await call.RequestStream.WriteAsync(new ScoreStreamRequest { Opportunities = new ScoreOpportunitiesRequest() });
        await call.RequestStream.WriteAsync(new ScoreStreamRequest { Opportunities = tooMany });
        await call.RequestStream.WriteAsync(new ScoreStreamRequest { Opportunities = new ScoreOpportunitiesRequest { OpportunityIds = { opportunities.Skip(20) } } });
        await call.RequestStream.CompleteAsync();
        var responses = await reading.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(6, responses.Count);
        var first = responses[0].Opportunities.Results;
        Assert.Equal(opportunities.Take(20), first.Take(20).Select(r => r.Score.OpportunityId));
        Assert.Equal((int)Code.NotFound, first[20].Error.Code);
        Assert.Equal("missing", first[20].Error.Id);
        Assert.Equal(opportunities[25], responses[1].Opportunity.OpportunityId);
        Assert.Equal(accounts, responses[2].Accounts.Results.Select(r => r.Score.AccountId));
        Assert.Equal((int)Code.InvalidArgument, responses[3].Error.Code);
        Assert.Contains("opportunities.opportunity_ids: must contain at least one id", responses[3].Error.Message, StringComparison.Ordinal);
        Assert.Equal((int)Code.InvalidArgument, responses[4].Error.Code);
        Assert.Contains("at most 10000 ids", responses[4].Error.Message, StringComparison.Ordinal);
        Assert.Equal(opportunities.Skip(20), responses[5].Opportunities.Results.Select(r => r.Score.OpportunityId));

        // A chunk's scores are the unary call's.
        var unary = await server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { opportunities.Take(20) } }, GrpcServerFixture.Auth());
        Assert.Equal(unary.Results.Select(r => r.Score), first.Take(20).Select(r => r.Score));
    }

    [Fact]
    public async Task Calls_without_or_with_a_wrong_key_are_UNAUTHENTICATED_but_health_needs_no_key()
    {
        var request = new ScoreOpportunitiesRequest { OpportunityIds = { OpenOpportunityIds(1) } };

        var missing = await Assert.ThrowsAsync<RpcException>(() => server.Scoring.ScoreOpportunitiesAsync(request, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
        var wrong = await Assert.ThrowsAsync<RpcException>(() => server.Scoring.ScoreOpportunitiesAsync(request, GrpcServerFixture.Auth("wrong-key")).ResponseAsync);
        var health = await new Health.HealthClient(server.Channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10));

        Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);
        Assert.DoesNotContain("wrong-key", wrong.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task A_request_over_the_4_MB_message_limit_is_RESOURCE_EXHAUSTED_and_the_server_keeps_serving()
    {
        var tooBig = new ScoreOpportunitiesRequest { OpportunityIds = { new string('x', 4 * 1024 * 1024 + 1) } };

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Scoring.ScoreOpportunitiesAsync(tooBig, GrpcServerFixture.Auth()).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        await server.Scoring.PingAsync(new Google.Protobuf.WellKnownTypes.Empty(), GrpcServerFixture.Auth());
    }

    [Fact]
    public async Task A_unary_call_whose_body_comes_6_s_after_its_headers_is_answered_on_a_busy_machine()
    {
        // What a starved caller does: the headers go out, then nothing for 6 s, then the 5-byte message (an empty Ping).
        // With Kestrel's default body grace (5 s) the whole connection was reset; see GrpcServerFixture.RequestBodyGracePeriod.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Address + "/gtm.v1.ScoringService/Ping")
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new LateBody(TimeSpan.FromSeconds(6), new byte[5]),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.TryAddWithoutValidation("authorization", "Bearer " + GrpcServerFixture.ApiKey);

        using var response = await http.SendAsync(request).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([0, 0, 0, 0, 0], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(["0"], response.TrailingHeaders.GetValues("grpc-status"));
    }

    /// <summary>A request body written <paramref name="delay"/> after the headers were sent.</summary>
    private sealed class LateBody(TimeSpan delay, byte[] body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.FlushAsync();
            await Task.Delay(delay);
            await stream.WriteAsync(body);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }

    [Fact]
    public async Task Malformed_requests_are_INVALID_ARGUMENT_with_field_violations()
    {
        var empty = await Assert.ThrowsAsync<RpcException>(() =>
            server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest(), GrpcServerFixture.Auth()).ResponseAsync);
        var tooMany = new ScoreAccountsRequest();
        tooMany.AccountIds.AddRange(Enumerable.Range(0, 10_001).Select(i => "a" + i.ToString(CultureInfo.InvariantCulture)));
        var many = await Assert.ThrowsAsync<RpcException>(() => server.Scoring.ScoreAccountsAsync(tooMany, GrpcServerFixture.Auth()).ResponseAsync);
        var month = await Assert.ThrowsAsync<RpcException>(() =>
            server.Reporting.GetChannelFunnelAsync(new GetChannelFunnelRequest { MonthFrom = "2025-13", MonthTo = "March" }, GrpcServerFixture.Auth()).ResponseAsync);
        var inline = await Assert.ThrowsAsync<RpcException>(() =>
            server.Scoring.ScoreOpportunityInlineAsync(new ScoreOpportunityInlineRequest { Opportunity = new InlineOpportunity { AmountUsdCents = -5, IsPaidMedia = 2 } }, GrpcServerFixture.Auth()).ResponseAsync);

        Assert.Equal(["opportunity_ids"], Violations(empty));
        Assert.Equal(["account_ids"], Violations(many));
        Assert.Equal(["month_from", "month_to"], Violations(month));
        Assert.Equal(["opportunity.amount_usd_cents", "opportunity.is_paid_media"], Violations(inline));
    }

    [Fact]
    public async Task A_tiny_deadline_on_a_big_stream_ends_with_DEADLINE_EXCEEDED()
    {
        var ids = OpenOpportunityIds(50);
        using var call = server.Scoring.ScoreStream(GrpcServerFixture.Auth(deadline: TimeSpan.FromMilliseconds(150)));
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            var reading = Task.Run(async () => await call.ResponseStream.ReadAllAsync().CountAsync());
            try
            {
                for (var i = 0; i < 200_000; i++)
                {
                    await call.RequestStream.WriteAsync(new ScoreStreamRequest { OpportunityId = ids[i % ids.Length] });
                }

                await call.RequestStream.CompleteAsync();
            }
            catch (HttpProtocolException)
            {
                // The server ended the call while a write was in flight: the HTTP/2 stream reset (CANCEL) reaches the
                // writer before the call's status does. The status is what the reader sees next, asserted below.
            }

            await reading;
        });

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Health_is_NOT_SERVING_until_features_and_models_are_loaded_and_calls_are_UNAVAILABLE()
    {
        await using var app = server.CreateApp();
        var address = await GrpcServerFixture.StartAsync(app);
        using var channel = GrpcChannel.ForAddress(address);
        var health = new Health.HealthClient(channel);

        var before = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
        var unavailable = await Assert.ThrowsAsync<RpcException>(() =>
            new ScoringService.ScoringServiceClient(channel).ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { "x" } }, GrpcServerFixture.Auth()).ResponseAsync);
        app.Services.GetRequiredService<GtmMart.Serving.ServingState>().Load();
        var after = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
        await app.StopAsync();

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, before.Status);
        Assert.Equal(StatusCode.Unavailable, unavailable.StatusCode);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, after.Status);
    }

    [Fact]
    public async Task Models_are_listed_with_cards_and_unknown_ones_are_NOT_FOUND()
    {
        var list = await server.Models.ListModelsAsync(new ListModelsRequest(), GrpcServerFixture.Auth());
        var card = await server.Models.GetModelCardAsync(new GetModelCardRequest { Name = "opportunity-scoring" }, GrpcServerFixture.Auth());
        var missing = await Assert.ThrowsAsync<RpcException>(() =>
            server.Models.GetModelCardAsync(new GetModelCardRequest { Name = "nope" }, GrpcServerFixture.Auth()).ResponseAsync);

        Assert.Equal(["icp", "opportunity-scoring"], list.Models.Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.All(list.Models, m => Assert.Single(m.Versions, v => v.Active));
        Assert.All(list.Models, m => Assert.False(string.IsNullOrEmpty(m.ServedVersion)));
        Assert.Contains("\"algorithm\"", card.CardJson, StringComparison.Ordinal);
        Assert.Equal("opportunity-scoring", card.Model.Name);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);

        // Each version says where it stands and why, how far to trust it, and the data it came from.
        foreach (var (model, version) in list.Models.SelectMany(m => m.Versions.Select(v => (m.Name, v))))
        {
            var registered = server.Registry.Get(model, version.Version);
            var status = Scoring.Registry.VersionStatus.Of(registered, server.Registry.Events(model));
            Assert.Equal((status.Status, status.Why, status.Forced), (version.Status, version.StatusReason, version.Forced));
            Assert.Equal(version.Active, version.Status == "active");
            Assert.Equal(ProtoMapping.ToProto(registered.Card.Trust), version.Trust);
            Assert.Equal(registered.Card.TrustReason, version.TrustReason);
            Assert.Equal(server.Db.Warehouse.DisplayName, version.SourceWarehouse);
            Assert.Equal(registered.Card.SourceBuildId, version.SourceBuildId);
            Assert.Equal(registered.Card.DataHash, version.DataHash);
            Assert.Equal(DateTime.SpecifyKind(registered.Card.CreatedAtUtc, DateTimeKind.Utc), version.CreatedAt.ToDateTime());
        }

        Assert.Equal(ProtoMapping.ToProto(server.Registry.Active("opportunity-scoring")!.Card.Trust), card.Model.Trust);
    }

    [Fact]
    public async Task Reload_under_concurrent_load_fails_no_call_and_switches_the_version()
    {
        var ids = OpenOpportunityIds(20);
        var before = server.State.Models.Current!.OpportunityVersion;
        server.Train();
        var promoted = server.Registry.Active("opportunity-scoring")!.Version;
        Assert.NotEqual(before, promoted);

        var versions = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var calls = 0;
        // Each worker keeps calling until the reload has returned and it has made a few calls after it (so both
        // versions are served under load however slow the machine is), bounded by a hard time and call limit. The
        // reload is asked for once the old version has answered 8 calls, not after a fixed wait a busy machine may not
        // have made any call in.
        var reloaded = 0;
        var callsBefore = 0;
        var servedBefore = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hardLimit = DateTime.UtcNow.AddSeconds(90);
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var callsAfterReload = 0;
            for (var i = 0; i < 20_000 && DateTime.UtcNow < hardLimit && (Volatile.Read(ref reloaded) == 0 || callsAfterReload < 5); i++)
            {
                var wasReloaded = Volatile.Read(ref reloaded) == 1;
                try
                {
                    var response = await server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { ids } }, GrpcServerFixture.Auth());
                    Interlocked.Increment(ref calls);
                    callsAfterReload += wasReloaded ? 1 : 0;
                    if (!wasReloaded && Interlocked.Increment(ref callsBefore) >= 8)
                    {
                        servedBefore.TrySetResult();
                    }

                    foreach (var result in response.Results)
                    {
                        versions.AddOrUpdate(result.Score.Model.Version, 1, (_, n) => n + 1);
                    }
                }
                catch (RpcException ex)
                {
                    failures.Enqueue(ex.Status.ToString());
                }
            }
        })).ToList();

        await servedBefore.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var reload = await server.Models.ReloadModelsAsync(new ReloadModelsRequest(), GrpcServerFixture.Auth());
        Volatile.Write(ref reloaded, 1);
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(120));
        var after = await server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { ids[0] } }, GrpcServerFixture.Auth());

        Assert.Empty(failures);
        Assert.True(calls > 8, $"only {calls} calls");
        Assert.Equal(promoted, reload.Opportunity.Version);
        Assert.Equal(promoted, after.Results[0].Score.Model.Version);
        Assert.Contains(before, versions.Keys);
        Assert.Contains(promoted, versions.Keys);
    }

    [Fact]
    public async Task Write_back_writes_the_scores_to_the_warehouse()
    {
        var response = await server.WriteBack.WriteBackScoresAsync(new WriteBackRequest { RunId = "grpc-test-run" }, GrpcServerFixture.Auth(deadline: TimeSpan.FromMinutes(2)));
        var again = await server.WriteBack.WriteBackScoresAsync(new WriteBackRequest { RunId = "grpc-test-run" }, GrpcServerFixture.Auth(deadline: TimeSpan.FromMinutes(2)));

        Assert.Equal("grpc-test-run", response.RunId);
        Assert.False(response.AlreadyWritten);
        Assert.True(again.AlreadyWritten);
        Assert.Equal(server.State.Features!.OpenOpportunities.Count, response.Opportunities);
        Assert.True(response.Accounts > 0);
        var rows = server.Db.Scalar<long>("select count(*) from mart.mrt_opportunity_scores");
        Assert.True(rows >= response.Opportunities, $"{rows} rows in mart.mrt_opportunity_scores");
    }

    [Fact]
    public async Task The_funnel_returns_rows_for_a_month_range_and_priority_accounts_are_ranked()
    {
        var all = await server.Reporting.GetChannelFunnelAsync(new GetChannelFunnelRequest { MonthFrom = "2025-02", MonthTo = "2025-03" }, GrpcServerFixture.Auth());
        var total = await server.Reporting.GetChannelFunnelAsync(new GetChannelFunnelRequest { MonthFrom = "2025-02", MonthTo = "2025-03", Channel = "Total" }, GrpcServerFixture.Auth());
        var priority = await server.Reporting.GetPriorityAccountsAsync(new GetPriorityAccountsRequest { Limit = 10 }, GrpcServerFixture.Auth());

        Assert.NotEmpty(all.Rows);
        Assert.Equal(["2025-02", "2025-03"], all.Rows.Select(r => r.Month).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(2 * 14, total.Rows.Count);
        Assert.All(total.Rows, r => Assert.Equal("Total", r.Channel));
        Assert.InRange(priority.Accounts.Count, 1, 10);
        Assert.Equal(priority.Accounts.Select(a => a.Priority).OrderDescending(), priority.Accounts.Select(a => a.Priority));
    }

    [Fact]
    public async Task Channel_attribution_serves_the_mart_in_cents_and_each_model_adds_up_to_the_months_closed_won()
    {
        var months = server.Db.Rows(
            "select strftime(min(month), '%Y-%m'), strftime(max(month), '%Y-%m'), count(distinct month), count(distinct channel) from mart.mrt_channel_attribution").Single();
        var (from, to) = ((string)months[0]!, (string)months[1]!);

        var all = await server.Reporting.GetChannelAttributionAsync(new GetChannelAttributionRequest { MonthFrom = from, MonthTo = to }, GrpcServerFixture.Auth());
        var markov = await server.Reporting.GetChannelAttributionAsync(new GetChannelAttributionRequest { MonthFrom = from, MonthTo = from, Model = "markov" }, GrpcServerFixture.Auth());

        Assert.Equal(Convert.ToInt64(months[2], CultureInfo.InvariantCulture) * Convert.ToInt64(months[3], CultureInfo.InvariantCulture) * ReportingApi.AttributionModels.Count, all.Rows.Count);
        Assert.All(markov.Rows, r => Assert.Equal(("markov", from, false), (r.Model, r.Month, r.HasAttributedOpportunities)));
        foreach (var group in all.Rows.GroupBy(r => (r.Month, r.Model)))
        {
            var first = group.First();
            Assert.Equal(first.MonthClosedWon, group.Sum(r => r.AttributedWon), 9);
            Assert.InRange(group.Sum(r => r.AttributedRevenueUsdCents) - first.MonthClosedWonRevenueUsdCents, -group.Count(), group.Count());
            Assert.Equal(first.Model != "markov", first.HasAttributedOpportunities);
        }

        var paid = all.Rows.First(r => r.IsPaidMedia && r.AttributedWon > 0 && r.SpendUsdCents > 0);
        var mart = server.Db.Rows(
            "select spend_usd, attributed_revenue_usd, cac_usd, roas from mart.mrt_channel_attribution where month = cast($m as date) and channel = $c and model = $model",
            ("m", paid.Month + "-01"), ("c", paid.Channel), ("model", paid.Model)).Single();
        Assert.Equal(ReportingApi.Cents((decimal)mart[0]!), paid.SpendUsdCents);
        Assert.Equal(ReportingApi.Cents((decimal)mart[1]!), paid.AttributedRevenueUsdCents);
        Assert.Equal((long)Math.Round((double)mart[2]! * 100, MidpointRounding.AwayFromZero), paid.CacUsdCents);
        Assert.Equal((double)mart[3]!, paid.Roas);
        Assert.All(all.Rows.Where(r => !r.IsPaidMedia), r => Assert.False(r.HasSpendUsdCents || r.HasCacUsdCents || r.HasRoas));
    }

    [Fact]
    public async Task Channel_attribution_names_each_bad_field()
    {
        async Task<string[]> Bad(GetChannelAttributionRequest request) =>
            Violations(await Assert.ThrowsAsync<RpcException>(() => server.Reporting.GetChannelAttributionAsync(request, GrpcServerFixture.Auth()).ResponseAsync));

        Assert.Equal(["month_from", "model"], await Bad(new GetChannelAttributionRequest { MonthFrom = "2025-3", MonthTo = "2025-04", Model = "Linear" }));
        Assert.Equal(["month_to"], await Bad(new GetChannelAttributionRequest { MonthFrom = "2025-04", MonthTo = "2025-03" }));
        Assert.Equal(["month_from", "month_to"], await Bad(new GetChannelAttributionRequest()));
    }

    [PythonGrpcFact]
    public void Python_grpcio_client_scores_against_the_live_server()
    {
        var ids = OpenOpportunityIds(2);
        var hostPort = new Uri(server.Address).Authority;
        var script = Path.Combine(RepoPaths.Root, "tests", "interop", "score_client.py");
        var info = new ProcessStartInfo(PythonGrpcFactAttribute.Python) { ArgumentList = { script, hostPort, ids[0], "nope", ids[1] } };
        info.Environment["GTM_API_KEY"] = GrpcServerFixture.ApiKey;
        var result = ChildProcess.Run(info);

        Assert.True(result.ExitCode == 0, result.All);
        using var json = System.Text.Json.JsonDocument.Parse(result.Stdout);
        var results = json.RootElement.GetProperty("results");
        Assert.Equal(1, json.RootElement.GetProperty("health").GetInt32());
        Assert.Equal(3, results.GetArrayLength());
        Assert.Equal(ids[0], results[0].GetProperty("id").GetString());
        Assert.InRange(results[0].GetProperty("score").GetInt32(), 1, 99);
        Assert.Equal((int)Code.NotFound, results[1].GetProperty("error_code").GetInt32());

        // The fields every score carries: when it was computed, from which build, and that the deal is open.
        Assert.True(results[0].GetProperty("is_open").GetBoolean());
        Assert.Equal(server.State.Features!.BuildId, results[0].GetProperty("features_build_id").GetInt64());
        Assert.InRange(results[0].GetProperty("scored_at_seconds").GetInt64(), new DateTimeOffset(server.State.Features!.LoadedAtUtc).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    private static string[] Violations(RpcException error)
    {
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var badRequest = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        return badRequest.FieldViolations.Select(v => v.Field).ToArray();
    }
}
