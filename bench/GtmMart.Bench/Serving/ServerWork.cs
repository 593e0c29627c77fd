using System.Buffers;
using Google.Protobuf;
using GtmMart.Contracts.V1;
using GtmMart.Server.Services;

namespace GtmMart.Bench.Serving;

/// <summary>
/// The server's own steps on an uncached one-id call, as the serving benchmark's tight-loop floor counts them, for one
/// id at a time wherever a call runs: the request's bytes parsed, the id looked up and scored, the score mapped to the
/// answer message, and the answer encoded as grpc-dotnet's marshaller does it (its size, then the message into a
/// buffer). The <c>replayed + server work</c> contender runs it in the caller's continuation after a replayed answer,
/// so the floor pays what the call's own conditions cost these steps (caches left cold between one caller's calls by
/// the network stack and other processes, threads waking and spinning), which a tight loop on one thread does not.
/// </summary>
internal sealed class ServerWork(ServingSnapshot snapshot, IReadOnlyList<string> ids)
{
    private readonly byte[][] requests = [.. ids.Select(id => new ScoreOpportunitiesRequest { OpportunityIds = { id } }.ToByteArray())];

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    /// <summary>The steps for the <paramref name="i"/>-th call's id (cycling through the ids); returns the answer's size in bytes.</summary>
    public int Run(int i) => Encode(i).WrittenCount;

    /// <summary>The bytes the steps encode for the <paramref name="i"/>-th call's id: the answer a one-id call sends.</summary>
    public byte[] Answer(int i) => Encode(i).WrittenSpan.ToArray();

    private ArrayBufferWriter<byte> Encode(int i)
    {
        var request = ScoreOpportunitiesRequest.Parser.ParseFrom(requests[i % requests.Length]);
        var id = request.OpportunityIds[0];
        if (!snapshot.Features.TryGetOpportunity(id, out var row))
        {
            throw new InvalidOperationException($"opportunity '{id}' is not among the served features");
        }

        var answer = ServingBenchCommand.Answer(snapshot, snapshot.Opportunity.Score(row), row);
        var writer = buffer ??= new ArrayBufferWriter<byte>(4 * 1024);
        writer.ResetWrittenCount();
        var size = answer.CalculateSize();
        answer.WriteTo(writer);
        return writer.WrittenCount == size ? writer : throw new InvalidOperationException($"encoded {writer.WrittenCount} bytes, sized {size}");
    }
}
