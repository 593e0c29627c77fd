using System.Text.Json;
using GtmMart.Tests.Support;
using Xunit;

namespace GtmMart.Tests.Grpc;

/// <summary><c>gtm client ...</c> as child processes against the real server on 127.0.0.1 (this class's own server).</summary>
public sealed class ClientCommandTests(GrpcServerFixture server) : IClassFixture<GrpcServerFixture>
{
    private readonly Dictionary<string, string> key = new() { ["GTM_API_KEY"] = GrpcServerFixture.ApiKey };

    [Fact]
    public void Every_client_command_calls_its_rpc_and_prints_the_answer_as_json()
    {
        var opportunity = server.State.Features!.OpenOpportunities[0].OpportunityId;
        var account = server.State.Features!.Accounts[0].AccountId;

        var health = Client(new Dictionary<string, string>(), "health");
        Assert.Equal("SERVING", health.GetProperty("status").GetString());

        var opportunities = Client(key, "score-opportunities", opportunity, "missing").GetProperty("results");
        Assert.Equal(opportunity, opportunities[0].GetProperty("score").GetProperty("opportunityId").GetString());
        Assert.InRange(opportunities[0].GetProperty("score").GetProperty("score").GetInt32(), 1, 99);
        Assert.Equal("missing", opportunities[1].GetProperty("error").GetProperty("id").GetString());

        var accounts = Client(key, "score-accounts", account).GetProperty("results");
        Assert.Equal(account, accounts[0].GetProperty("score").GetProperty("accountId").GetString());

        var inline = Client(key, "score-inline", "--channel", "Partner", "--amount-usd", "50000", "--sessions-30d", "4");
        Assert.InRange(inline.GetProperty("score").GetInt32(), 1, 99);
        Assert.Equal("opportunity-scoring", inline.GetProperty("model").GetProperty("name").GetString());

        var models = Client(key, "models").GetRawText();
        Assert.Contains("opportunity-scoring", models, StringComparison.Ordinal);
        Assert.Contains("icp", models, StringComparison.Ordinal);
        var card = Client(key, "model-card", "opportunity-scoring").GetRawText();
        Assert.Contains(server.State.Models.Current!.OpportunityVersion, card, StringComparison.Ordinal);

        var funnel = Client(key, "funnel", "--from", "2025-02", "--to", "2025-03", "--channel", "Total").GetRawText();
        Assert.Contains("Total", funnel, StringComparison.Ordinal);
        var priority = Client(key, "priority-accounts", "--limit", "3");
        Assert.InRange(priority.GetProperty("accounts").GetArrayLength(), 1, 3);

        var reload = Client(key, "reload").GetRawText();
        Assert.Contains(server.State.Models.Current!.OpportunityVersion, reload, StringComparison.Ordinal);
        var writeBack = Client(key, "write-back", "--run-id", "client-test-run");
        Assert.Equal("client-test-run", writeBack.GetProperty("runId").GetString());
    }

    /// <summary>Runs <c>gtm client COMMAND ARGS --address server</c> and parses what it prints.</summary>
    private JsonElement Client(Dictionary<string, string> environment, string command, params string[] args)
    {
        using var dir = new TempDirectory();
        var result = GtmProcess.Run(dir.Path, environment, ["client", command, .. args, "--address", server.Address]);
        Assert.True(result.ExitCode == 0, $"gtm client {command}: {result.All}");
        return JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }

    [Fact]
    public void Chunked_stream_sends_consecutive_ids_of_one_kind_together_and_prints_a_line_per_chunk()
    {
        var opportunities = server.State.Features!.Opportunities.Take(25).Select(o => o.OpportunityId).ToList();
        var account = server.State.Features!.Accounts[0].AccountId;
        var input = string.Join('\n', [.. opportunities, "account:" + account, "opportunity:missing", ""]);
        using var dir = new TempDirectory();

        var result = GtmProcess.RunWithInput(
            dir.Path,
            key,
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
