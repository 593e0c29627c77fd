using System.Text.Json;
using GtmMart.Tests.Support;
using Xunit;

namespace GtmMart.Tests.Grpc;

/// <summary><c>gtm client stream</c> as a child process against the real server on 127.0.0.1.</summary>
public sealed class ClientStreamCommandTests(GrpcServerFixture server) : IClassFixture<GrpcServerFixture>
{
    [Fact]
    public void Chunked_stream_sends_consecutive_ids_of_one_kind_together_and_prints_a_line_per_chunk()
    {
        var opportunities = server.State.Features!.Opportunities.Take(25).Select(o => o.OpportunityId).ToList();
        var account = server.State.Features!.Accounts[0].AccountId;
        var input = string.Join('\n', [.. opportunities, "account:" + account, "opportunity:missing", ""]);
        using var dir = new TempDirectory();

        var result = GtmProcess.RunWithInput(
            dir.Path,
            new Dictionary<string, string> { ["GTM_API_KEY"] = GrpcServerFixture.ApiKey },
            input,
            "client", "stream", "--address", server.Address, "--chunk", "10");

        Assert.True(result.ExitCode == 0, result.All);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        // 25 opportunity ids: chunks of 10, 10 and 5 (the kind changes); the account; the unknown id in a chunk of its own.
        Assert.Equal(5, lines.Count);
        Assert.Equal([10, 10, 5], lines.Take(3).Select(l => l.GetProperty("opportunities").GetProperty("results").GetArrayLength()));
        var scored = lines.Take(3).SelectMany(l => l.GetProperty("opportunities").GetProperty("results").EnumerateArray())
            .Select(r => r.GetProperty("score").GetProperty("opportunityId").GetString());
        Assert.Equal(opportunities, scored);
        Assert.Equal(account, lines[3].GetProperty("accounts").GetProperty("results")[0].GetProperty("score").GetProperty("accountId").GetString());
        Assert.Equal("missing", lines[4].GetProperty("opportunities").GetProperty("results")[0].GetProperty("error").GetProperty("id").GetString());
    }
}
