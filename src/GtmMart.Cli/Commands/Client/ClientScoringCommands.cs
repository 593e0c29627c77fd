using System.ComponentModel;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using GtmMart.Contracts.V1;
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
}

/// <summary>Reads ids from stdin, one a line, streams them to ScoreStream and prints one JSON line per response.</summary>
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

        while (await Console.In.ReadLineAsync(options.CancellationToken).ConfigureAwait(false) is { } line)
        {
            var id = line.Trim();
            if (id.Length == 0)
            {
                continue;
            }

            var request = id.StartsWith("account:", StringComparison.Ordinal) ? new ScoreStreamRequest { AccountId = id["account:".Length..] }
                : id.StartsWith("opportunity:", StringComparison.Ordinal) ? new ScoreStreamRequest { OpportunityId = id["opportunity:".Length..] }
                : settings.Accounts ? new ScoreStreamRequest { AccountId = id }
                : new ScoreStreamRequest { OpportunityId = id };
            await stream.RequestStream.WriteAsync(request, options.CancellationToken).ConfigureAwait(false);
        }

        await stream.RequestStream.CompleteAsync().ConfigureAwait(false);
        await printing.ConfigureAwait(false);
    }
}
