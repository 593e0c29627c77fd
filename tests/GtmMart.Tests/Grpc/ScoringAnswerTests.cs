using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Reflection.V1Alpha;
using GtmMart.Contracts.V1;
using GtmMart.Server.Services;
using Microsoft.Extensions.DependencyInjection;
using Core = GtmMart.Scoring;

namespace GtmMart.Tests.Grpc;

/// <summary>
/// What a CRM's gRPC client receives is the scoring library's own result, field by field (doubles bit for bit: protobuf
/// compares them so), on every path an answer takes: a unary call from the score cache or scored on the call, a
/// stream's single-id answers and its chunks, for opportunities and accounts. The expected messages are built here
/// from the library's records, not by the server's mapping, so a field the server drops or changes fails.
/// </summary>
public sealed class ScoringAnswerTests(GrpcServerFixture server) : IClassFixture<GrpcServerFixture>
{
    private ServingAccess Access => server.App.Services.GetRequiredService<ServingAccess>();

    /// <summary>Every 23rd served opportunity, open or closed.</summary>
    private string[] OpportunityIds() => server.State.Features!.Opportunities.Where((_, i) => i % 23 == 0).Select(o => o.OpportunityId).ToArray();

    private string[] AccountIds() => server.State.Features!.Accounts.Where((_, i) => i % 17 == 0).Select(a => a.AccountId).ToArray();

    [Fact]
    public async Task Unary_answers_equal_the_scorers_own_field_by_field_from_the_cache_and_scored_on_the_call()
    {
        var ids = OpportunityIds();
        var accounts = AccountIds();
        Assert.True(ids.Length > 20 && accounts.Length > 10, $"{ids.Length} opportunities and {accounts.Length} accounts sampled");
        _ = Access.Snapshot();
        await Access.Filling;
        Assert.All(ids, id => Assert.True(Access.Snapshot().Scores.TryGet(id, out _), $"{id} not in the filled cache"));

        var cached = await ScoreAsync(server.Scoring, ids, accounts);
        var uncached = await server.WithUncachedServerAsync(async (scoring, access) =>
        {
            var answers = await ScoreAsync(scoring, ids, accounts);
            Assert.Same(ScoreCache.None, access.Snapshot().Scores);
            return answers;
        });

        foreach (var (opportunities, accountAnswers) in new[] { cached, uncached })
        {
            Assert.Equal(ids.Select(ExpectedOpportunity).Cast<object>().Append(NotFound("no-such-opportunity", "opportunity")), opportunities.Results.Select(r => Unstamped(r.Score) ?? (object)r.Error));
            Assert.Equal(accounts.Select(ExpectedAccount).Cast<object>().Append(NotFound("no-such-account", "account")), accountAnswers.Results.Select(r => Unstamped(r.Score) ?? (object)r.Error));
        }
    }

    [Fact]
    public async Task Stream_answers_single_ids_and_chunks_equal_the_scorers_own_field_by_field()
    {
        var ids = OpportunityIds();
        var accounts = AccountIds();
        using var call = server.Scoring.ScoreStream(GrpcServerFixture.Auth());
        var reading = Task.Run(async () => await call.ResponseStream.ReadAllAsync().ToListAsync());
        foreach (var id in ids)
        {
            await call.RequestStream.WriteAsync(new ScoreStreamRequest { OpportunityId = id });
        }

        await call.RequestStream.WriteAsync(new ScoreStreamRequest { AccountId = accounts[0] });
        await call.RequestStream.WriteAsync(new ScoreStreamRequest { Opportunities = new ScoreOpportunitiesRequest { OpportunityIds = { ids, "no-such-opportunity" } } });
        await call.RequestStream.WriteAsync(new ScoreStreamRequest { Accounts = new ScoreAccountsRequest { AccountIds = { accounts } } });
        await call.RequestStream.CompleteAsync();
        var responses = await reading.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ids.Length + 3, responses.Count);
        Assert.Equal(ids.Select(ExpectedOpportunity), responses.Take(ids.Length).Select(r => Unstamped(r.Opportunity)));
        Assert.Equal(ExpectedAccount(accounts[0]), Unstamped(responses[ids.Length].Account));
        Assert.Equal(
            ids.Select(ExpectedOpportunity).Cast<object>().Append(NotFound("no-such-opportunity", "opportunity")),
            responses[ids.Length + 1].Opportunities.Results.Select(r => Unstamped(r.Score) ?? (object)r.Error));
        Assert.Equal(accounts.Select(ExpectedAccount), responses[ids.Length + 2].Accounts.Results.Select(r => Unstamped(r.Score)));
    }

    [Fact]
    public async Task Server_reflection_lists_every_gtm_service_and_describes_the_scoring_service()
    {
        var client = new ServerReflection.ServerReflectionClient(server.Channel);
        using var call = client.ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(30));
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "gtm.v1.ScoringService" });
        await call.RequestStream.CompleteAsync();
        var answers = await call.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.Equal(2, answers.Count);
        var services = answers[0].ListServicesResponse.Service.Select(s => s.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "gtm.v1.ScoringService", "gtm.v1.ModelService", "gtm.v1.WriteBackService", "gtm.v1.ReportingService", "gtm.v1.ScoreHistoryService", "grpc.health.v1.Health" }, services);
        var files = answers[1].FileDescriptorResponse.FileDescriptorProto.Select(b => FileDescriptorProto.Parser.ParseFrom(b)).ToList();
        Assert.Contains(files, f => f.Service.Any(s => s.Name == "ScoringService" && s.Method.Any(m => m.Name == "ScoreStream")));
    }

    private static async Task<(ScoreOpportunitiesResponse Opportunities, ScoreAccountsResponse Accounts)> ScoreAsync(
        ScoringService.ScoringServiceClient scoring, string[] ids, string[] accounts) => (
        await scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { ids, "no-such-opportunity" } }, GrpcServerFixture.Auth()),
        await scoring.ScoreAccountsAsync(new ScoreAccountsRequest { AccountIds = { accounts, "no-such-account" } }, GrpcServerFixture.Auth()));

    /// <summary>The scoring library's score of a served opportunity, as the contract says it is carried.</summary>
    private OpportunityScore ExpectedOpportunity(string id)
    {
        var models = server.State.Models.Current!;
        Assert.True(server.State.Features!.TryGetOpportunity(id, out var row));
        var score = models.Opportunity.Score(row);
        static Factor Factor(Core.Opportunity.OpportunityFactor f) => new()
        {
            Feature = f.Feature,
            Text = f.Text,
            Contribution = f.Contribution,
            Family = f.Family,
            Direction = f.Direction == "+" ? FactorDirection.Raises : FactorDirection.Lowers,
        };
        return new OpportunityScore
        {
            OpportunityId = id,
            Score = score.Score,
            Probability = score.Probability,
            TopPositive = { score.TopPositive.Select(Factor) },
            TopNegative = { score.TopNegative.Select(Factor) },
            Model = Reference(models.OpportunityModel, models.OpportunityVersion, models.OpportunityCard!),
            UnknownValues = { score.Unknown.Select(u => new UnknownValue { Family = u.Family, Feature = u.Feature, Value = u.Value, Text = u.Text }) },
            FeaturesBuildId = server.State.Features!.BuildId!.Value,
            IsOpen = !row.IsClosed,
        };
    }

    private AccountScore ExpectedAccount(string id)
    {
        var models = server.State.Models.Current!;
        Assert.True(server.State.Features!.TryGetAccount(id, out var row));
        var score = models.Icp.Score(row);
        return new AccountScore
        {
            AccountId = id,
            FitScore = score.FitScore,
            FitProbability = score.FitProbability,
            Tier = Enum.Parse<IcpTier>(score.Tier.ToString()),
            Segment = new Segment { Id = score.SegmentId, Name = score.SegmentName },
            BehaviourScore = score.BehaviourScore,
            Reasons = { score.Reasons },
            Model = Reference(models.IcpModel, models.IcpVersion, models.IcpCard!),
            FeaturesBuildId = server.State.Features!.BuildId!.Value,
        };
    }

    /// <summary>A served score without its <c>scored_at</c>, once checked: set, and between the features' load (scores are computed after it) and now.</summary>
    private T? Unstamped<T>(T? score)
        where T : class, Google.Protobuf.IMessage<T> => ScoreStamps.Unstamped(score, server.State.Features!.LoadedAtUtc);

    /// <summary>The version's reference with its card's kind and trust verdict, mapped by name (not by the server's mapping).</summary>
    private static ModelRef Reference(string name, string version, Core.Registry.ModelCard card) => new()
    {
        Name = name,
        Version = version,
        Kind = Enum.Parse<ModelKind>(card.Kind.ToString()),
        Trust = Enum.Parse<TrustVerdict>(card.Trust.ToString()),
    };

    private static ItemError NotFound(string id, string kind) => new() { Id = id, Code = (int)Google.Rpc.Code.NotFound, Message = $"unknown {kind} id '{id}'" };
}
