using System.Buffers;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Reflection.V1Alpha;
using GtmMart.Contracts.V1;
using GtmMart.Server.Wire;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GtmMart.Tests.Grpc;

/// <summary>
/// The hand-written encoder of the scoring answers writes exactly protobuf's bytes, covers every field of the messages
/// it encodes, and is what the server uses (without hiding the service from server reflection).
/// </summary>
public sealed class ScoreWireTests(GrpcServerFixture server) : IClassFixture<GrpcServerFixture>
{
    public static TheoryData<string> Answers() => [.. OpportunityAnswers.Keys];

    [Theory]
    [MemberData(nameof(Answers))]
    public void An_opportunities_answer_is_encoded_as_protobuf_encodes_it(string name)
    {
        var message = OpportunityAnswers[name]();

        Assert.Equal(message.ToByteArray(), ScoreWire.ToBytes(message));
    }

    public static TheoryData<string> StreamAnswers() => [.. StreamCases.Keys];

    [Theory]
    [MemberData(nameof(StreamAnswers))]
    public void A_stream_answer_is_encoded_as_protobuf_encodes_it(string name)
    {
        var message = StreamCases[name]();

        Assert.Equal(message.ToByteArray(), ScoreWire.ToBytes(message));
    }

    [Theory]
    [MemberData(nameof(Answers))]
    public void An_opportunities_answer_of_precoded_scores_is_encoded_as_protobuf_encodes_it(string name)
    {
        var message = OpportunityAnswers[name]();
        var scores = message.Results.Where(r => r.ResultCase == OpportunityResult.ResultOneofCase.Score).Select(r => r.Score).ToList();
        scores.ForEach(s => ScoreWire.Precode(s));

        Assert.All(scores, s => Assert.True(ScoreWire.IsPrecoded(s)));
        Assert.Equal(message.ToByteArray(), ScoreWire.ToBytes(message));
    }

    [Theory]
    [MemberData(nameof(StreamAnswers))]
    public void A_stream_answer_of_precoded_scores_is_encoded_as_protobuf_encodes_it(string name)
    {
        var message = StreamCases[name]();
        var scores = message.ResultCase switch
        {
            ScoreStreamResponse.ResultOneofCase.Opportunity => [message.Opportunity],
            ScoreStreamResponse.ResultOneofCase.Opportunities => message.Opportunities.Results.Select(r => r.Score).ToList(),
            _ => new List<OpportunityScore>(),
        };
        scores.ForEach(s => ScoreWire.Precode(s));

        Assert.Equal(message.ToByteArray(), ScoreWire.ToBytes(message));
    }

    [Fact]
    public void A_unary_answer_copies_a_precoded_score_instead_of_encoding_it_again()
    {
        var score = FullScore("OPP-P1");
        var fresh = FullScore("OPP-P2");
        var answer = new ScoreOpportunitiesResponse { Results = { new OpportunityResult { Score = score }, new OpportunityResult { Score = fresh } } };
        var before = answer.ToByteArray();
        ScoreWire.Precode(score);

        // Changed after precoding (which the cache never does): the answer still carries the bytes encoded then, while
        // the score that was not precoded is encoded as it is now.
        score.Score = 12;
        score.TopPositive.Clear();
        fresh.Score = 12;
        var sent = ScoreOpportunitiesResponse.Parser.ParseFrom(ScoreWire.ToBytes(answer));

        Assert.NotEqual(before, answer.ToByteArray());
        Assert.Equal(FullScore("OPP-P1"), sent.Results[0].Score);
        Assert.Equal(fresh, sent.Results[1].Score);
        Assert.False(ScoreWire.IsPrecoded(fresh));

        // Stream answers encode every score from its fields, precoded or not.
        var streamed = ScoreStreamResponse.Parser.ParseFrom(ScoreWire.ToBytes(new ScoreStreamResponse { Opportunity = score }));
        Assert.Equal(score, streamed.Opportunity);
    }

    [Fact]
    public void The_encoder_knows_every_field_of_the_messages_it_writes()
    {
        var described = ScoreWire.EncodedFields.Keys.ToDictionary(
            name => name,
            name => Descriptor(name).Fields.InFieldNumberOrder().Select(f => $"{f.FieldNumber} {f.Name} {f.FieldType}").ToArray());

        // A field added to one of these messages in protos/ must be written by ScoreWire too (and listed there).
        foreach (var (message, fields) in described)
        {
            Assert.True(fields.SequenceEqual(ScoreWire.EncodedFields[message]), $"{message}: the .proto has [{string.Join(", ", fields)}]; ScoreWire writes [{string.Join(", ", ScoreWire.EncodedFields[message])}]");
        }
    }

    [Fact]
    public void Serializing_through_a_gRPC_context_gives_the_same_bytes_whether_or_not_the_buffer_has_room()
    {
        var message = OpportunityAnswers["many results, sizes past the first pool array"]();
        var expected = message.ToByteArray();

        foreach (var limit in new[] { int.MaxValue, 16 })
        {
            var context = new BufferContext(limit);
            ScoreWire.Serialize(message, context);

            Assert.Equal(expected.Length, context.PayloadLength);
            Assert.True(context.Completed);
            Assert.Equal(expected, context.Written);
        }
    }

    [Fact]
    public void The_server_sends_the_scoring_answers_through_the_encoder()
    {
        var methods = server.App.Services.GetServices<EndpointDataSource>()
            .SelectMany(s => s.Endpoints)
            .Select(e => e.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method)
            .OfType<IMethod>()
            .ToDictionary(m => m.FullName);

        Assert.Same(ScoringServiceBinding.OpportunitiesResponse, ((Method<ScoreOpportunitiesRequest, ScoreOpportunitiesResponse>)methods["/gtm.v1.ScoringService/ScoreOpportunities"]).ResponseMarshaller);
        Assert.Same(ScoringServiceBinding.StreamResponse, ((Method<ScoreStreamRequest, ScoreStreamResponse>)methods["/gtm.v1.ScoringService/ScoreStream"]).ResponseMarshaller);
        Assert.Contains("/gtm.v1.ScoringService/Ping", methods.Keys);
        Assert.Contains("/gtm.v1.ScoringService/ScoreAccounts", methods.Keys);
    }

    [Fact]
    public async Task Server_reflection_lists_every_gtm_service_and_describes_the_scoring_service()
    {
        var client = new ServerReflection.ServerReflectionClient(server.Channel);
        using var call = client.ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(30));
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "gtm.v1.ScoringService" });
        await call.RequestStream.CompleteAsync();
        var answers = new List<ServerReflectionResponse>();
        await foreach (var answer in call.ResponseStream.ReadAllAsync())
        {
            answers.Add(answer);
        }

        Assert.Equal(2, answers.Count);
        var services = answers[0].ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Superset(new HashSet<string> { "gtm.v1.ScoringService", "gtm.v1.ModelService", "gtm.v1.WriteBackService", "gtm.v1.ReportingService", "grpc.health.v1.Health" }, services.ToHashSet());
        var files = answers[1].FileDescriptorResponse.FileDescriptorProto.Select(b => FileDescriptorProto.Parser.ParseFrom(b)).ToList();
        Assert.Contains(files, f => f.Service.Any(s => s.Name == "ScoringService" && s.Method.Any(m => m.Name == "ScoreStream")));
    }

    private static MessageDescriptor Descriptor(string fullName) =>
        ScoringReflection.Descriptor.MessageTypes.Concat(CommonReflection.Descriptor.MessageTypes).Single(m => m.FullName == fullName);

    private static Factor Factor(string feature, string text, double contribution) => new() { Feature = feature, Text = text, Contribution = contribution };

    private static OpportunityScore FullScore(string id) => new()
    {
        OpportunityId = id,
        Score = 73,
        Probability = 0.7312,
        TopPositive = { Factor("demo_visits_30d", "3 demo-page visits in the last 30 days", 0.41), Factor("channel", "Channel: Partner", 0.2) },
        TopNegative = { Factor("amount_usd", "Deal size $1.2B", -0.3) },
        Model = new ModelRef { Name = "opportunity-scoring", Version = "v0002" },
    };

    private static ItemError Error(string id) => new() { Id = id, Code = 5, Message = $"unknown opportunity id '{id}'" };

    private static readonly Dictionary<string, Func<ScoreOpportunitiesResponse>> OpportunityAnswers = new()
    {
        ["empty"] = () => new(),
        ["one full score"] = () => new() { Results = { new OpportunityResult { Score = FullScore("OPP-0001") } } },
        ["defaults left out (no id, score 0, probability 0, no factors, no model)"] = () => new() { Results = { new OpportunityResult { Score = new OpportunityScore() } } },
        ["a result with nothing set"] = () => new() { Results = { new OpportunityResult() } },
        ["negative score, negative zero and NaN"] = () => new()
        {
            Results =
            {
                new OpportunityResult { Score = new OpportunityScore { OpportunityId = "a", Score = -5, Probability = -0.0, TopPositive = { Factor("", "", double.NaN) } } },
                new OpportunityResult { Score = new OpportunityScore { Score = int.MinValue, Probability = double.NaN, Model = new ModelRef() } },
            },
        },
        ["non-ASCII, emoji and a lone surrogate"] = () => new()
        {
            Results = { new OpportunityResult { Score = new OpportunityScore { OpportunityId = "Île-de-France €", TopPositive = { Factor("industry", "Industry: Café 🚀 \uD800 end", 1e-300) }, Model = new ModelRef { Name = "模型", Version = "v1" } } } },
        },
        ["long strings (2- and 3-byte lengths)"] = () => new()
        {
            Results = { new OpportunityResult { Score = new OpportunityScore { OpportunityId = new string('x', 200), TopNegative = { Factor(new string('é', 9000), new string('y', 130), -2) } } } },
        },
        ["errors between scores"] = () => new() { Results = { new OpportunityResult { Error = Error("nope") }, new OpportunityResult { Score = FullScore("OPP-2") }, new OpportunityResult { Error = new ItemError() } } },
        ["many results, sizes past the first pool array"] = () => new()
        {
            Results = { Enumerable.Range(0, 300).Select(i => i % 7 == 0 ? new OpportunityResult { Error = Error($"OPP-{i}") } : new OpportunityResult { Score = FullScore($"OPP-{i}") }) },
        },
    };

    private static readonly Dictionary<string, Func<ScoreStreamResponse>> StreamCases = new()
    {
        ["nothing set"] = () => new(),
        ["an opportunity"] = () => new() { Opportunity = FullScore("OPP-9") },
        ["an empty opportunity"] = () => new() { Opportunity = new OpportunityScore() },
        ["an account"] = () => new()
        {
            Account = new AccountScore { AccountId = "ACC-1", FitScore = 81.5, FitProbability = 0.815, Tier = "A", Segment = new Segment { Id = 2, Name = "Mid-market SaaS" }, BehaviourScore = 40, Reasons = { "Industry: Software", "Región: España" }, Model = new ModelRef { Name = "icp", Version = "v0001" } },
        },
        ["an error"] = () => new() { Error = Error("OPP-x") },
        ["a chunk of opportunities"] = () => new() { Opportunities = new ScoreOpportunitiesResponse { Results = { Enumerable.Range(0, 40).Select(i => new OpportunityResult { Score = FullScore($"OPP-{i}") }) } } },
        ["an empty chunk"] = () => new() { Opportunities = new ScoreOpportunitiesResponse() },
        ["a chunk of accounts"] = () => new() { Accounts = new ScoreAccountsResponse { Results = { new AccountResult { Score = new AccountScore { AccountId = "ACC-2", Tier = "C" } }, new AccountResult { Error = Error("ACC-3") } } } },
    };

    /// <summary>A gRPC serialization context over a buffer that hands out spans of at most <paramref name="limit"/> bytes.</summary>
    private sealed class BufferContext(int limit) : SerializationContext, IBufferWriter<byte>
    {
        private readonly ArrayBufferWriter<byte> _buffer = new();

        public int PayloadLength { get; private set; } = -1;

        public bool Completed { get; private set; }

        public byte[] Written => _buffer.WrittenSpan.ToArray();

        public override void SetPayloadLength(int payloadLength) => PayloadLength = payloadLength;

        public override IBufferWriter<byte> GetBufferWriter() => this;

        public override void Complete() => Completed = true;

        public override void Complete(byte[] payload) => throw new InvalidOperationException("the encoder writes through the buffer writer");

        public void Advance(int count) => _buffer.Advance(count);

        public Memory<byte> GetMemory(int sizeHint = 0) => _buffer.GetMemory(Math.Min(Math.Max(sizeHint, 1), limit))[..Math.Min(Math.Max(sizeHint, 1), limit)];

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }
}
