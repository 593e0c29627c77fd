using System.ComponentModel;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using GtmMart.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public sealed class IdsSettings : ClientSettings
{
    [CommandArgument(0, "<IDS>")]
    [Description("Ids to score")]
    public string[] Ids { get; init; } = [];
}

public sealed class ClientScoreOpportunitiesCommand : ClientCommand<IdsSettings>
{
    protected override async Task RunAsync(GrpcChannel channel, IdsSettings settings, CallOptions options)
    {
        var request = new ScoreOpportunitiesRequest();
        request.OpportunityIds.AddRange(settings.Ids);
        Print(await new ScoringService.ScoringServiceClient(channel).ScoreOpportunitiesAsync(request, options).ConfigureAwait(false));
    }
}

public sealed class ClientScoreAccountsCommand : ClientCommand<IdsSettings>
{
    protected override async Task RunAsync(GrpcChannel channel, IdsSettings settings, CallOptions options)
    {
        var request = new ScoreAccountsRequest();
        request.AccountIds.AddRange(settings.Ids);
        Print(await new ScoringService.ScoringServiceClient(channel).ScoreAccountsAsync(request, options).ConfigureAwait(false));
    }
}

public sealed class StreamSettings : ClientSettings
{
    [CommandOption("--accounts")]
    [Description("Lines are account ids (default: opportunity ids). A line may also start with 'account:' or 'opportunity:'")]
    public bool Accounts { get; init; }

    [CommandOption("--chunk <N>")]
    [Description("Send up to N consecutive ids of one kind per message (one response line per chunk): fewer, larger messages for bulk scoring. Default: 1 (one id per message)")]
    [DefaultValue(1)]
    public int Chunk { get; init; } = 1;

    public override ValidationResult Validate() =>
        Chunk < 1 ? ValidationResult.Error("--chunk must be at least 1") : ValidationResult.Success();
}

/// <summary>
/// Reads ids from stdin, one a line, streams them to ScoreStream (one per message, or in chunks of consecutive ids of
/// one kind) and prints one JSON line per response.
/// </summary>
public sealed class ClientStreamCommand : ClientCommand<StreamSettings>
{
    private static readonly JsonFormatter Compact = new(JsonFormatter.Settings.Default);

    protected override async Task RunAsync(GrpcChannel channel, StreamSettings settings, CallOptions options)
    {
        using var stream = new ScoringService.ScoringServiceClient(channel).ScoreStream(options);
        var printing = Task.Run(async () =>
        {
            await foreach (var response in stream.ResponseStream.ReadAllAsync(options.CancellationToken).ConfigureAwait(false))
            {
                Console.WriteLine(Compact.Format(response));
            }
        });

        // Consecutive ids of one kind, sent as one chunk when full, when the kind changes and at the end.
        var pending = new List<string>(settings.Chunk);
        var pendingAccounts = false;
        async Task SendAsync()
        {
            if (pending.Count > 0)
            {
                await stream.RequestStream.WriteAsync(ToRequest(pending, pendingAccounts, settings.Chunk), options.CancellationToken).ConfigureAwait(false);
                pending.Clear();
            }
        }

        while (await Console.In.ReadLineAsync(options.CancellationToken).ConfigureAwait(false) is { } line)
        {
            var id = line.Trim();
            if (id.Length == 0)
            {
                continue;
            }

            (var isAccount, id) = id.StartsWith("account:", StringComparison.Ordinal) ? (true, id["account:".Length..])
                : id.StartsWith("opportunity:", StringComparison.Ordinal) ? (false, id["opportunity:".Length..])
                : (settings.Accounts, id);
            if (isAccount != pendingAccounts || pending.Count == settings.Chunk)
            {
                await SendAsync().ConfigureAwait(false);
            }

            pendingAccounts = isAccount;
            pending.Add(id);
        }

        await SendAsync().ConfigureAwait(false);
        await stream.RequestStream.CompleteAsync().ConfigureAwait(false);
        await printing.ConfigureAwait(false);
    }

    private static ScoreStreamRequest ToRequest(List<string> ids, bool accounts, int chunk) => (chunk, accounts) switch
    {
        (1, true) => new ScoreStreamRequest { AccountId = ids[0] },
        (1, false) => new ScoreStreamRequest { OpportunityId = ids[0] },
        (_, true) => new ScoreStreamRequest { Accounts = new ScoreAccountsRequest { AccountIds = { ids } } },
        _ => new ScoreStreamRequest { Opportunities = new ScoreOpportunitiesRequest { OpportunityIds = { ids } } },
    };
}
