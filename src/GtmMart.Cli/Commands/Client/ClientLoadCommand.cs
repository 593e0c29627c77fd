using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using GtmMart.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public sealed class LoadSettings : ClientSettings
{
    /// <summary>The calls <c>gtm client load</c> can make, by name.</summary>
    public static readonly string[] Rpcs = ["ping", "score-opportunities", "score-accounts"];

    [CommandOption("--rpcs <LIST>")]
    [Description("Comma-separated calls to load, side by side: ping (empty call), score-opportunities, score-accounts (one id a call). Default: ping,score-opportunities")]
    public string RpcList { get; init; } = "ping,score-opportunities";

    [CommandOption("--ids <FILE>")]
    [Description("Opportunity ids score-opportunities cycles through, one a line ('-': stdin)")]
    public string? Ids { get; init; }

    [CommandOption("--account-ids <FILE>")]
    [Description("Account ids score-accounts cycles through, one a line ('-': stdin)")]
    public string? AccountIds { get; init; }

    [CommandOption("--concurrency <N>")]
    [Description("Concurrent callers on one channel. Default: 16")]
    public int Concurrency { get; init; } = 16;

    [CommandOption("--seconds <S>")]
    [Description("Measured seconds of each call, shared by its rounds. Default: 6")]
    public double Seconds { get; init; } = 6;

    [CommandOption("--rounds <N>")]
    [Description("Rounds the calls take turns in (the order reversed every other round). Default: 6")]
    public int Rounds { get; init; } = 6;

    [CommandOption("--warmup <S>")]
    [Description("Unmeasured seconds of each call first, so both processes have compiled the paths. Default: 3")]
    public double Warmup { get; init; } = 3;

    [CommandOption("--server-pid <PID>")]
    [Description("The server's process id (same machine): also report the server's CPU time per call")]
    public int? ServerPid { get; init; }

    public IReadOnlyList<string> Selected => RpcList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override ValidationResult Validate() =>
        Selected.Count == 0 ? ValidationResult.Error("--rpcs names no call")
        : Selected.FirstOrDefault(r => !Rpcs.Contains(r)) is { } unknown ? ValidationResult.Error($"--rpcs: unknown call '{unknown}' (known: {string.Join(", ", Rpcs)})")
        : Selected.Contains("score-opportunities") && Ids is null ? ValidationResult.Error("--ids is needed for score-opportunities")
        : Selected.Contains("score-accounts") && AccountIds is null ? ValidationResult.Error("--account-ids is needed for score-accounts")
        : Ids == "-" && AccountIds == "-" ? ValidationResult.Error("--ids and --account-ids cannot both be read from stdin")
        : Concurrency < 1 ? ValidationResult.Error("--concurrency must be at least 1")
        : Seconds <= 0 ? ValidationResult.Error("--seconds must be positive")
        : Rounds < 1 ? ValidationResult.Error("--rounds must be at least 1")
        : Warmup < 0 ? ValidationResult.Error("--warmup must not be negative")
        : ValidationResult.Success();
}

/// <summary>
/// Load against a running server: concurrent callers make each named call in a loop, the calls taking turns in rounds
/// so a neighbour's load falls on all of them alike, and the answer says, per call, calls/s, latency percentiles,
/// failures, this client's CPU per call and (with <c>--server-pid</c>) the server's. Printed as JSON. With
/// <c>ping</c> first, "vsFirst" is each call's rate over the empty call's: the serving path against the transport.
/// </summary>
public sealed class ClientLoadCommand : ClientCommand<LoadSettings>
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private sealed record Turn(CallerLoop.Round Round, double ServerCpuSeconds);

    /// <summary>One call's figures; the per-call ones are null when no call completed.</summary>
    private sealed record Result(
        string Rpc, long Calls, double Seconds, double CallsPerSecond, double VsFirst, double? P50Ms, double? P99Ms, long Failures,
        double? ClientCpuMicrosPerCall, double? ServerCpuMicrosPerCall);

    protected override async Task RunAsync(GrpcChannel channel, LoadSettings settings, CallOptions options)
    {
        var ids = ReadIds("--ids", settings.Ids);
        var accountIds = ReadIds("--account-ids", settings.AccountIds);

        using var server = settings.ServerPid is { } pid ? Process.GetProcessById(pid) : null;
        var client = new ScoringService.ScoringServiceClient(channel);
        var token = options.CancellationToken;

        // Each call gets its own deadline; the headers (the API key) are the same for all.
        CallOptions Options() => options.WithDeadline(DateTime.UtcNow.AddSeconds(settings.Timeout));
        async Task<bool> PingAsync(int i)
        {
            await client.PingAsync(new Empty(), Options()).ConfigureAwait(false);
            return true;
        }

        async Task<bool> ScoreOpportunityAsync(int i)
        {
            var response = await client.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { ids[i % ids.Length] } }, Options()).ConfigureAwait(false);
            return response.Results is [{ ResultCase: OpportunityResult.ResultOneofCase.Score }];
        }

        async Task<bool> ScoreAccountAsync(int i)
        {
            var response = await client.ScoreAccountsAsync(new ScoreAccountsRequest { AccountIds = { accountIds[i % accountIds.Length] } }, Options()).ConfigureAwait(false);
            return response.Results is [{ ResultCase: AccountResult.ResultOneofCase.Score }];
        }

        Func<int, Task<bool>> CallOf(string rpc) => rpc switch
        {
            "ping" => PingAsync,
            "score-opportunities" => ScoreOpportunityAsync,
            _ => ScoreAccountAsync,
        };

        async Task<Turn> TurnAsync(string rpc, TimeSpan duration)
        {
            var before = ServerCpu(server);
            var round = await CallerLoop.RunAsync(settings.Concurrency, duration, CallOf(rpc), token).ConfigureAwait(false);
            return new Turn(round, ServerCpu(server) - before);
        }

        var rpcs = settings.Selected;
        foreach (var rpc in rpcs)
        {
            await TurnAsync(rpc, TimeSpan.FromSeconds(settings.Warmup)).ConfigureAwait(false);
        }

        var turns = rpcs.Select(_ => new List<Turn>()).ToArray();
        for (var r = 0; r < settings.Rounds; r++)
        {
            for (var i = 0; i < rpcs.Count; i++)
            {
                var k = r % 2 == 0 ? i : rpcs.Count - 1 - i;
                turns[k].Add(await TurnAsync(rpcs[k], TimeSpan.FromSeconds(settings.Seconds / settings.Rounds)).ConfigureAwait(false));
            }
        }

        var results = rpcs.Select((rpc, k) => Summarize(rpc, turns[k], server is not null)).ToList();
        var first = results[0].CallsPerSecond;
        results = [.. results.Select(x => x with { VsFirst = first > 0 ? Math.Round(x.CallsPerSecond / first, 3) : 0 })];
        Console.WriteLine(JsonSerializer.Serialize(new { settings.Concurrency, Results = results }, Indented));
        if (results.Sum(x => x.Failures) is > 0 and var failed)
        {
            Console.Error.WriteLine($"warning: {failed} call(s) failed (an error status, or a scoring call whose id got no score)");
        }
    }

    private static Result Summarize(string rpc, List<Turn> turns, bool withServer)
    {
        var latencies = turns.SelectMany(t => t.Round.Latencies).ToList();
        latencies.Sort();
        var calls = latencies.Count;
        var seconds = turns.Sum(t => t.Round.Seconds);
        double? Some(double value, int digits) => calls == 0 ? null : Math.Round(value, digits);
        return new Result(
            rpc, calls, Math.Round(seconds, 3), Math.Round(calls / seconds, 1), 1,
            Some(CallerLoop.Percentile(latencies, 0.50), 3), Some(CallerLoop.Percentile(latencies, 0.99), 3),
            turns.Sum(t => t.Round.Failures),
            Some(turns.Sum(t => t.Round.CpuSeconds) * 1e6 / calls, 1),
            withServer ? Some(turns.Sum(t => t.ServerCpuSeconds) * 1e6 / calls, 1) : null);
    }

    /// <summary>The server process's CPU seconds so far; 0 without one.</summary>
    private static double ServerCpu(Process? server)
    {
        if (server is null)
        {
            return 0;
        }

        server.Refresh();
        return server.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>The ids in <paramref name="path"/>, one a line (none without a path); an error naming the option when it holds none.</summary>
    private static string[] ReadIds(string option, string? path)
    {
        if (path is null)
        {
            return [];
        }

        string[] ids = [.. (path == "-" ? Console.In.ReadToEnd() : File.ReadAllText(path))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        return ids.Length > 0 ? ids : throw new ArgumentException($"{option} {path}: no ids in it (one a line)");
    }
}
