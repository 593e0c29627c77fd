using System.Globalization;
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
        Assert.InRange(inline.GetProperty("score").GetProperty("score").GetInt32(), 1, 99);
        Assert.Equal("opportunity-scoring", inline.GetProperty("score").GetProperty("model").GetProperty("name").GetString());
        Assert.Contains(inline.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("field").GetString() == "opportunity.sessions_90d");
        using (var dir = new TempDirectory())
        {
            // What the model did not know is printed as warnings; --strict refuses it with the field violations.
            string[] paidSearch = ["client", "score-inline", "--channel", "Paid Search", "--sessions-30d", "4", "--address", server.Address];
            var warned = GtmProcess.Run(dir.Path, key, paidSearch);
            Assert.True(warned.ExitCode == 0, warned.All);
            Assert.Contains("warning: opportunity.channel: Unknown channel 'Paid Search'", warned.Stderr, StringComparison.Ordinal);
            var strict = GtmProcess.Run(dir.Path, key, [.. paidSearch, "--strict"]);
            Assert.Equal(1, strict.ExitCode);
            Assert.StartsWith("error: InvalidArgument", strict.Stderr, StringComparison.Ordinal);
            Assert.Contains("  opportunity.channel: Unknown channel 'Paid Search'", strict.Stderr, StringComparison.Ordinal);
            var typo = GtmProcess.Run(dir.Path, key, "client", "score-inline", "--chanel", "Partner", "--address", server.Address);
            Assert.NotEqual(0, typo.ExitCode);
            Assert.StartsWith("error: unknown option --chanel", typo.Stderr, StringComparison.Ordinal);
        }

        var models = Client(key, "models").GetRawText();
        Assert.Contains("opportunity-scoring", models, StringComparison.Ordinal);
        Assert.Contains("icp", models, StringComparison.Ordinal);
        var card = Client(key, "model-card", "opportunity-scoring").GetRawText();
        Assert.Contains(server.State.Models.Current!.OpportunityVersion, card, StringComparison.Ordinal);

        var funnel = Client(key, "funnel", "--from", "2025-02", "--to", "2025-03", "--channel", "Total").GetRawText();
        Assert.Contains("Total", funnel, StringComparison.Ordinal);
        var attribution = Client(key, "attribution", "--from", "2025-02", "--to", "2025-02", "--model", "markov").GetProperty("rows");
        Assert.True(attribution.GetArrayLength() > 0);
        Assert.All(attribution.EnumerateArray(), r => Assert.Equal("markov", r.GetProperty("model").GetString()));
        var priority = Client(key, "priority-accounts", "--limit", "3");
        Assert.InRange(priority.GetProperty("accounts").GetArrayLength(), 1, 3);

        var reload = Client(key, "reload").GetRawText();
        Assert.Contains(server.State.Models.Current!.OpportunityVersion, reload, StringComparison.Ordinal);
        var writeBack = Client(key, "write-back", "--run-id", "client-test-run");
        Assert.Equal("client-test-run", writeBack.GetProperty("runId").GetString());

        // The score history: a second run, then both runs of one opportunity and the changes since the first.
        Client(key, "write-back", "--run-id", "client-test-run-2");
        var history = Client(key, "score-history", "--opportunity", opportunity).GetProperty("entries");
        Assert.Equal(["client-test-run-2", "client-test-run"], history.EnumerateArray().Select(e => e.GetProperty("runId").GetString()));
        var changes = Client(key, "score-changes", "--since", "client-test-run", "--entity", "opportunity", "--page-size", "2");
        Assert.Equal(server.State.Features!.OpenOpportunities.Count, changes.GetProperty("totalSize").GetInt32());
        Assert.Equal(2, changes.GetProperty("changes").GetArrayLength());
        Assert.Equal("client-test-run", changes.GetProperty("changes")[0].GetProperty("previousRunId").GetString());
        var next = Client(key, "score-changes", "--since", "client-test-run", "--entity", "opportunity", "--page-size", "2", "--page-token", changes.GetProperty("nextPageToken").GetString()!);
        Assert.Equal(2, next.GetProperty("changes").GetArrayLength());
        using var folder = new TempDirectory();
        var neither = GtmProcess.Run(folder.Path, key, "client", "score-history", "--address", server.Address);
        Assert.NotEqual(0, neither.ExitCode);
        Assert.StartsWith("error: give exactly one of --opportunity ID and --account ID", neither.Stderr, StringComparison.Ordinal);
        var unknownRun = GtmProcess.Run(folder.Path, key, "client", "score-changes", "--since", "no-such-run", "--address", server.Address);
        Assert.Equal(1, unknownRun.ExitCode);
        Assert.StartsWith("error: InvalidArgument", unknownRun.Stderr, StringComparison.Ordinal);
        Assert.Contains("since_run_id", unknownRun.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void No_server_a_scheme_less_address_and_a_busy_port_each_give_one_clear_line()
    {
        using var dir = new TempDirectory();
        var free = FreePort();

        var nobody = GtmProcess.Run(dir.Path, "client", "health", "--address", $"127.0.0.1:{free}", "--timeout", "20");
        Assert.Equal(1, nobody.ExitCode);
        Assert.Equal($"error: no gtm server answered at http://127.0.0.1:{free} (Connection refused): start one with gtm serve, or point --address or $GTM_ADDRESS at it", nobody.Stderr.Trim());
        NothingInternal(nobody);

        var hostPort = server.Address.Replace("http://", "", StringComparison.Ordinal);
        var health = GtmProcess.Run(dir.Path, "client", "health", "--address", hostPort);
        Assert.True(health.ExitCode == 0, health.All);
        Assert.Contains("SERVING", health.Stdout, StringComparison.Ordinal);

        var garbled = GtmProcess.Run(dir.Path, "client", "health", "--address", "http://[not-an-address");
        Assert.Equal(1, garbled.ExitCode);
        Assert.StartsWith("error: --address: 'http://[not-an-address' is not a server address", garbled.Stderr.Trim(), StringComparison.Ordinal);
        NothingInternal(garbled);

        // gtm serve on the port this class's server holds: its start-up lines, then one error line.
        var busy = GtmProcess.Run(dir.Path, "serve", "--warehouse", server.Db.Warehouse.DatabasePath, "--models", server.Registry.Root, "--urls", hostPort);
        Assert.Equal(1, busy.ExitCode);
        var last = busy.Stderr.Trim().Split('\n')[^1];
        Assert.StartsWith("error: ", last, StringComparison.Ordinal);
        Assert.Contains("address already in use", last, StringComparison.Ordinal);
        Assert.Single(busy.Stderr.Split('\n'), l => l.StartsWith("error", StringComparison.Ordinal) || l.Contains("fail", StringComparison.Ordinal) || l.Contains("crit", StringComparison.Ordinal));
        NothingInternal(busy);
    }

    private static void NothingInternal(ChildProcess.Result result)
    {
        Assert.DoesNotContain("Exception", result.All, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public void The_lookup_commands_call_their_rpcs()
    {
        var account = server.State.Features!.OpenOpportunities[0].AccountId;
        var open = server.State.Features!.OpenOpportunities.Where(o => o.AccountId == account).Select(o => o.OpportunityId).ToList();

        var opportunities = Client(key, "account-opportunities", account);
        Assert.Equal(account, opportunities.GetProperty("accountId").GetString());
        Assert.Equal(open, opportunities.GetProperty("opportunities").EnumerateArray().Select(o => o.GetProperty("opportunityId").GetString()));
        Assert.All(opportunities.GetProperty("opportunities").EnumerateArray(), o => Assert.True(o.GetProperty("score").GetProperty("isOpen").GetBoolean()));

        var lead = Client(key, "score-account-inline", "--account-id", "lead-7", "--industry", "Software", "--employee-band", "200-999", "--region", "Europe", "--annual-revenue-usd", "25000000.50");
        Assert.Equal("lead-7", lead.GetProperty("score").GetProperty("accountId").GetString());
        Assert.StartsWith("ICP_TIER_", lead.GetProperty("score").GetProperty("tier").GetString(), StringComparison.Ordinal);

        var allowed = Client(key, "allowed-values").GetProperty("fields").EnumerateArray().ToList();
        Assert.Contains(allowed, f => f.GetProperty("field").GetString() == "InlineOpportunity.channel" && f.GetProperty("values").GetArrayLength() > 0);

        var page = Client(key, "priority-accounts", "--limit", "2", "--tier", "A,B,C,D");
        var next = Client(key, "priority-accounts", "--limit", "2", "--tier", "A,B,C,D", "--page-token", page.GetProperty("nextPageToken").GetString()!);
        var both = Client(key, "priority-accounts", "--limit", "4");
        Assert.Equal(
            both.GetProperty("accounts").EnumerateArray().Select(a => a.GetProperty("accountId").GetString()),
            page.GetProperty("accounts").EnumerateArray().Concat(next.GetProperty("accounts").EnumerateArray()).Select(a => a.GetProperty("accountId").GetString()));
        Assert.Equal(JsonValueKind.String, both.GetProperty("accounts")[0].GetProperty("openPipelineUsdCents").ValueKind);

        using var dir = new TempDirectory();
        var badTier = GtmProcess.Run(dir.Path, key, "client", "priority-accounts", "--tier", "E", "--address", server.Address);
        Assert.NotEqual(0, badTier.ExitCode);
        Assert.StartsWith("error: --tier: 'E' is not a tier", badTier.Stderr, StringComparison.Ordinal);
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

    [Fact]
    public void Load_runs_each_call_side_by_side_and_reports_rates_latency_and_both_processes_cpu()
    {
        using var dir = new TempDirectory();
        var ids = Path.Combine(dir.Path, "ids.txt");
        var accountIds = Path.Combine(dir.Path, "accounts.txt");
        File.WriteAllLines(ids, server.State.Features!.Opportunities.Take(20).Select(o => o.OpportunityId));
        File.WriteAllLines(accountIds, server.State.Features!.Accounts.Take(5).Select(a => a.AccountId));

        // The server runs in this test process, so its pid is this process's.
        var results = Load(dir.Path, "--ids", ids, "--account-ids", accountIds, "--server-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(["ping", "score-opportunities", "score-accounts"], results.Select(r => r.GetProperty("rpc").GetString()));
        Assert.Equal(1, results[0].GetProperty("vsFirst").GetDouble());
        foreach (var r in results)
        {
            Assert.True(r.GetProperty("calls").GetInt64() > 0, r.GetRawText());
            Assert.Equal(0, r.GetProperty("failures").GetInt64());
            Assert.InRange(r.GetProperty("p50Ms").GetDouble(), 0, r.GetProperty("p99Ms").GetDouble());
            Assert.True(r.GetProperty("clientCpuMicrosPerCall").GetDouble() > 0, r.GetRawText());
            Assert.True(r.GetProperty("serverCpuMicrosPerCall").GetDouble() > 0, r.GetRawText());
        }
    }

    [Fact]
    public void Load_counts_a_scoring_call_whose_id_gets_no_score_as_failed()
    {
        using var dir = new TempDirectory();
        var ids = Path.Combine(dir.Path, "ids.txt");
        File.WriteAllLines(ids, ["no-such-opportunity"]);

        var results = Load(dir.Path, "--ids", ids);

        var scoring = results.Single(r => r.GetProperty("rpc").GetString() == "score-opportunities");
        Assert.Equal(0, scoring.GetProperty("calls").GetInt64());
        Assert.True(scoring.GetProperty("failures").GetInt64() > 0, scoring.GetRawText());
        Assert.Equal(JsonValueKind.Null, scoring.GetProperty("p50Ms").ValueKind);
        Assert.Equal(JsonValueKind.Null, scoring.GetProperty("serverCpuMicrosPerCall").ValueKind);
    }

    [Theory]
    [InlineData("score-accounts", "--account-ids is needed")]
    [InlineData("ping,nope", "unknown call 'nope'")]
    [InlineData("score-opportunities", "--ids is needed")]
    public void Load_rejects_a_call_it_cannot_make_before_calling(string rpcs, string error)
    {
        using var dir = new TempDirectory();
        var result = GtmProcess.Run(dir.Path, key, "client", "load", "--address", server.Address, "--rpcs", rpcs, "--seconds", "0.1", "--warmup", "0");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(error, result.All, StringComparison.Ordinal);
    }

    /// <summary>A short <c>gtm client load</c> (2 callers, 2 rounds) of its default calls or those in <paramref name="args"/>.</summary>
    private List<JsonElement> Load(string directory, params string[] args)
    {
        string[] rpcs = args.Contains("--account-ids") ? ["--rpcs", "ping,score-opportunities,score-accounts"] : [];
        var result = GtmProcess.Run(directory, key, [
            "client", "load", "--address", server.Address, "--concurrency", "2", "--seconds", "0.6", "--rounds", "2", "--warmup", "0.2", .. rpcs, .. args]);
        Assert.True(result.ExitCode == 0, result.All);
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal(2, json.GetProperty("concurrency").GetInt32());
        return [.. json.GetProperty("results").EnumerateArray().Select(r => r.Clone())];
    }
}
