using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using GtmMart.Contracts.V1;
using GtmMart.Server;
using GtmMart.Server.Security;
using GtmMart.Serving;
using GtmMart.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace GtmMart.Tests.Grpc;

/// <summary>
/// The server as a hostile or careless client meets it: random bytes as request bodies, garbage after a valid stream
/// message, huge ids, impossible months, missing keys and scopes, too many calls; and what it logs about them.
/// </summary>
public sealed class HostileInputTests(GrpcServerFixture server) : IClassFixture<GrpcServerFixture>
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    private static readonly Google.Protobuf.Reflection.ServiceDescriptor[] Services = [ScoringService.Descriptor, ModelService.Descriptor, WriteBackService.Descriptor, ReportingService.Descriptor, ScoreHistoryService.Descriptor];

    /// <summary>A started server over the fixture's data whose whole log is captured; disposed by the caller.</summary>
    private async Task<(WebApplication App, GrpcChannel Channel, CapturedLog Log)> StartAsync(Func<ServerOptions, ServerOptions>? change = null, bool everything = false)
    {
        var log = new CapturedLog(everything);
        var app = server.CreateApp(change: o => (change ?? (x => x))(o with { Logging = log.AddTo }));
        app.Services.GetRequiredService<ServingState>().Load();
        var address = await GrpcServerFixture.StartAsync(app);
        return (app, GrpcChannel.ForAddress(address), log);
    }

    private static async Task StopAsync(WebApplication app, GrpcChannel channel)
    {
        channel.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>Random bytes that do not parse as <paramref name="type"/> (what a hostile client sends; bytes that happen to parse are skipped).</summary>
    private static IEnumerable<byte[]> Garbage(MessageDescriptor type, Random random, int count)
    {
        var produced = 0;
        while (produced < count)
        {
            var body = new byte[random.Next(1, 200)];
            random.NextBytes(body);
            if (!Parses(type, body))
            {
                produced++;
                yield return body;
            }
        }
    }

    private static bool Parses(MessageDescriptor type, byte[] body)
    {
        try
        {
            type.Parser.ParseFrom(body);
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Random_bytes_are_INVALID_ARGUMENT_with_a_key_UNAUTHENTICATED_without_one_and_logged_once_a_minute_at_most()
    {
        var (app, channel, log) = await StartAsync();
        try
        {
            var invoker = channel.CreateCallInvoker();
            var random = new Random(19);
            var calls = 0;
            foreach (var method in Services.SelectMany(s => s.Methods).Where(m => !m.IsClientStreaming && !m.IsServerStreaming))
            {
                var rpc = new Method<byte[], byte[]>(MethodType.Unary, method.Service.FullName, method.Name, Bytes, Bytes);
                foreach (var (body, i) in Garbage(method.InputType, random, 12).Select((b, i) => (b, i)))
                {
                    var withKey = i % 3 != 0;
                    var options = withKey ? GrpcServerFixture.Auth() : new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30));
                    var refused = await Assert.ThrowsAsync<RpcException>(() => invoker.AsyncUnaryCall(rpc, null, options, body).ResponseAsync);
                    Assert.True(
                        refused.StatusCode == (withKey ? StatusCode.InvalidArgument : StatusCode.Unauthenticated),
                        $"{method.FullName} {(withKey ? "with" : "without")} a key: {refused.Status}");
                    if (withKey)
                    {
                        Assert.Equal($"the request is not a valid {method.InputType.FullName} message", refused.Status.Detail);
                    }

                    calls++;
                }
            }

            // The stream too: a body that does not parse ends it with INVALID_ARGUMENT.
            var stream = invoker.AsyncDuplexStreamingCall(new Method<byte[], byte[]>(MethodType.DuplexStreaming, "gtm.v1.ScoringService", "ScoreStream", Bytes, Bytes), null, GrpcServerFixture.Auth());
            await stream.RequestStream.WriteAsync(Garbage(ScoreStreamRequest.Descriptor, random, 1).Single());
            await stream.RequestStream.CompleteAsync();
            var ended = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext());
            Assert.Equal(StatusCode.InvalidArgument, ended.StatusCode);

            Assert.True(calls >= 100, $"only {calls} calls");
            var reports = log.Entries.Where(e => e.Contains("not a valid message", StringComparison.Ordinal)).ToList();
            Assert.True(reports.Count == 1, $"expected one report of malformed bodies in under a minute, got {reports.Count}:\n{log.All}");
            Assert.DoesNotContain(log.Entries, e => e.Contains("Exception was thrown by handler", StringComparison.Ordinal) || e.Contains("   at ", StringComparison.Ordinal));
        }
        finally
        {
            await StopAsync(app, channel);
        }
    }

    [Fact]
    public async Task A_stream_with_garbage_after_a_valid_message_answers_the_valid_one_then_INVALID_ARGUMENT()
    {
        var id = server.State.Features!.OpenOpportunities[0].OpportunityId;
        var invoker = server.Channel.CreateCallInvoker();
        foreach (var first in new[] { new ScoreStreamRequest { OpportunityId = id }, new ScoreStreamRequest { Opportunities = new ScoreOpportunitiesRequest { OpportunityIds = { id } } } })
        {
            using var stream = invoker.AsyncDuplexStreamingCall(new Method<byte[], byte[]>(MethodType.DuplexStreaming, "gtm.v1.ScoringService", "ScoreStream", Bytes, Bytes), null, GrpcServerFixture.Auth());
            await stream.RequestStream.WriteAsync(first.ToByteArray());
            await stream.RequestStream.WriteAsync(Garbage(ScoreStreamRequest.Descriptor, new Random(3), 1).Single());
            await stream.RequestStream.CompleteAsync();

            Assert.True(await stream.ResponseStream.MoveNext());
            var answer = ScoreStreamResponse.Parser.ParseFrom(stream.ResponseStream.Current);
            Assert.Equal(id, answer.ResultCase == ScoreStreamResponse.ResultOneofCase.Opportunity ? answer.Opportunity.OpportunityId : answer.Opportunities.Results[0].Score.OpportunityId);
            var ended = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext());
            Assert.Equal(StatusCode.InvalidArgument, ended.StatusCode);
        }
    }

    [Fact]
    public async Task Every_rpc_applies_the_same_id_rule_and_errors_echo_a_bounded_prefix_only()
    {
        var huge = new string('x', 1_000_000);
        var long257 = new string('y', 257);
        var auth = GrpcServerFixture.Auth();

        foreach (var id in new[] { huge, long257, "   " })
        {
            var unary = await Assert.ThrowsAsync<RpcException>(() => server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { id } }, auth).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, unary.StatusCode);
            Assert.True(unary.Status.Detail.Length < 300, $"{unary.Status.Detail.Length} characters");

            using var stream = server.Scoring.ScoreStream(auth);
            await stream.RequestStream.WriteAsync(new ScoreStreamRequest { OpportunityId = id });
            await stream.RequestStream.WriteAsync(new ScoreStreamRequest { AccountId = id });
            await stream.RequestStream.WriteAsync(new ScoreStreamRequest { Opportunities = new ScoreOpportunitiesRequest { OpportunityIds = { id } } });
            await stream.RequestStream.CompleteAsync();
            var answers = new List<ScoreStreamResponse>();
            while (await stream.ResponseStream.MoveNext())
            {
                answers.Add(stream.ResponseStream.Current);
            }

            Assert.Equal(3, answers.Count);
            Assert.All(answers, a =>
            {
                Assert.Equal(ScoreStreamResponse.ResultOneofCase.Error, a.ResultCase);
                Assert.Equal(3, a.Error.Code);
                Assert.True(a.CalculateSize() < 1_000, $"an answer of {a.CalculateSize()} bytes");
            });
            Assert.Equal(id.Trim().Length == 0 ? "must not be empty" : "must be at most 256 characters",
                answers[0].Error.Message.Replace("opportunity_id ", "", StringComparison.Ordinal));
        }

        var month = await Assert.ThrowsAsync<RpcException>(() => server.Reporting.GetChannelFunnelAsync(new GetChannelFunnelRequest { MonthFrom = "0000-01", MonthTo = "2025-01" }, auth).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, month.StatusCode);
        Assert.Contains("month_from", month.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scopes_refuse_reload_and_write_back_to_a_read_only_key_and_a_rate_limit_answers_RESOURCE_EXHAUSTED_per_key()
    {
        var readOnly = GrpcServerFixture.Auth(GrpcServerFixture.ReadOnlyKey);
        Assert.NotNull(await server.Models.ListModelsAsync(new ListModelsRequest(), readOnly));
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() => server.Models.ReloadModelsAsync(new ReloadModelsRequest(), readOnly).ResponseAsync)).StatusCode);
        var refused = await Assert.ThrowsAsync<RpcException>(() => server.WriteBack.WriteBackScoresAsync(new WriteBackRequest(), readOnly).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("writeback:run", refused.Status.Detail, StringComparison.Ordinal);

        var (app, channel, _) = await StartAsync(o => o with { RateLimitPerSecond = 5 });
        try
        {
            var scoring = new ScoringService.ScoringServiceClient(channel);
            var statuses = new List<StatusCode>();
            for (var i = 0; i < 30; i++)
            {
                try
                {
                    await scoring.PingAsync(new Empty(), GrpcServerFixture.Auth());
                    statuses.Add(StatusCode.OK);
                }
                catch (RpcException ex)
                {
                    statuses.Add(ex.StatusCode);
                }
            }

            Assert.Contains(StatusCode.OK, statuses);
            Assert.Contains(StatusCode.ResourceExhausted, statuses);
            Assert.All(statuses, s => Assert.True(s is StatusCode.OK or StatusCode.ResourceExhausted, s.ToString()));

            // Another key has a bucket of its own; over REST the limit is HTTP 429.
            await scoring.PingAsync(new Empty(), GrpcServerFixture.Auth(GrpcServerFixture.ReadOnlyKey));
            using var http = new HttpClient { BaseAddress = new Uri(GtmServer.RestAddresses(app).Single()) };
            http.DefaultRequestHeaders.Add("authorization", "Bearer " + GrpcServerFixture.ApiKey);
            var codes = new List<int>();
            for (var i = 0; i < 30; i++)
            {
                using var response = await http.GetAsync(new Uri("/v1/ping", UriKind.Relative));
                codes.Add((int)response.StatusCode);
            }

            Assert.Contains(429, codes);
        }
        finally
        {
            await StopAsync(app, channel);
        }
    }

    [Fact]
    public async Task Keys_never_appear_in_the_log_at_any_level()
    {
        var (app, channel, log) = await StartAsync(everything: true);
        try
        {
            var scoring = new ScoringService.ScoringServiceClient(channel);
            var id = server.State.Features!.OpenOpportunities[0].OpportunityId;
            await scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { id } }, GrpcServerFixture.Auth());
            await Assert.ThrowsAsync<RpcException>(() => scoring.PingAsync(new Empty(), GrpcServerFixture.Auth("wrong-key-5d1e")).ResponseAsync);
            await Assert.ThrowsAsync<RpcException>(() => new ModelService.ModelServiceClient(channel).ReloadModelsAsync(new ReloadModelsRequest(), GrpcServerFixture.Auth(GrpcServerFixture.ReadOnlyKey)).ResponseAsync);
            using var http = new HttpClient { BaseAddress = new Uri(GtmServer.RestAddresses(app).Single()) };
            http.DefaultRequestHeaders.Add("authorization", "Bearer " + GrpcServerFixture.ApiKey);
            await http.GetAsync(new Uri("/v1/ping", UriKind.Relative));

            Assert.NotEmpty(log.Entries);
            foreach (var secret in new[] { GrpcServerFixture.ApiKey, GrpcServerFixture.ReadOnlyKey, "wrong-key-5d1e", "Bearer " })
            {
                Assert.DoesNotContain(log.Entries, e => e.Contains(secret, StringComparison.OrdinalIgnoreCase));
            }
        }
        finally
        {
            await StopAsync(app, channel);
        }
    }

    [Fact]
    public async Task An_empty_key_list_and_a_cleartext_address_other_hosts_can_reach_are_warned_about()
    {
        var log = new CapturedLog();
        await using (var app = server.CreateApp(change: o => o with { ApiKeyHashes = [", ,"], Urls = ["http://0.0.0.0:0"], RestUrls = [], Logging = log.AddTo }))
        {
            Assert.Contains(log.Entries, e => e.StartsWith("Warning", StringComparison.Ordinal) && e.Contains("no usable API key", StringComparison.Ordinal));
            Assert.Contains(log.Entries, e => e.StartsWith("Warning", StringComparison.Ordinal) && e.Contains("http://0.0.0.0:0 without TLS", StringComparison.Ordinal));
        }

        var quiet = new CapturedLog();
        await using (var app = server.CreateApp(change: o => o with { Logging = quiet.AddTo }))
        {
            Assert.DoesNotContain(quiet.Entries, e => e.Contains("no usable API key", StringComparison.Ordinal) || e.Contains("without TLS", StringComparison.Ordinal));
        }

        var bad = Assert.Throws<ArgumentException>(() => new ApiKeyHashes([ApiKeyHashes.Hash("k") + ":scores:write"]));
        Assert.Contains("unknown scope 'scores:write'", bad.Message, StringComparison.Ordinal);
    }
}
