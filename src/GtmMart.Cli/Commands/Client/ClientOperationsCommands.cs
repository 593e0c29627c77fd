using System.ComponentModel;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using GtmMart.Contracts.V1;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public sealed class WriteBackSettings : ClientSettings
{
    [CommandOption("--run-id <ID>")]
    [Description("Run id (idempotent: a run id already written writes nothing). Default: the server picks one")]
    public string? RunId { get; init; }
}

public sealed class ClientWriteBackCommand : ClientCommand<WriteBackSettings>
{
    protected override async Task RunAsync(GrpcChannel channel, WriteBackSettings settings, CallOptions options)
    {
        var request = new WriteBackRequest();
        if (settings.RunId is { } runId)
        {
            request.RunId = runId;
        }

        Print(await new WriteBackService.WriteBackServiceClient(channel).WriteBackScoresAsync(request, options).ConfigureAwait(false));
    }
}

public sealed class FunnelSettings : ClientSettings
{
    [CommandOption("--from <YYYY-MM>")]
    [Description("First month (inclusive)")]
    public string From { get; init; } = "";

    [CommandOption("--to <YYYY-MM>")]
    [Description("Last month (inclusive)")]
    public string To { get; init; } = "";

    [CommandOption("--channel <NAME>")]
    [Description("One channel (or Total). Default: every channel")]
    public string? Channel { get; init; }
}

public sealed class ClientFunnelCommand : ClientCommand<FunnelSettings>
{
    protected override async Task RunAsync(GrpcChannel channel, FunnelSettings settings, CallOptions options)
    {
        var request = new GetChannelFunnelRequest { MonthFrom = settings.From, MonthTo = settings.To };
        if (settings.Channel is { } name)
        {
            request.Channel = name;
        }

        Print(await new ReportingService.ReportingServiceClient(channel).GetChannelFunnelAsync(request, options).ConfigureAwait(false));
    }
}

public sealed class PrioritySettings : ClientSettings
{
    [CommandOption("--limit <N>")]
    [Description("Number of accounts (1-1000). Default: 20")]
    public int Limit { get; init; } = 20;
}

public sealed class ClientPriorityAccountsCommand : ClientCommand<PrioritySettings>
{
    protected override async Task RunAsync(GrpcChannel channel, PrioritySettings settings, CallOptions options) =>
        Print(await new ReportingService.ReportingServiceClient(channel).GetPriorityAccountsAsync(new GetPriorityAccountsRequest { Limit = settings.Limit }, options).ConfigureAwait(false));
}

public sealed class ClientHealthCommand : ClientCommand<ClientSettings>
{
    protected override async Task RunAsync(GrpcChannel channel, ClientSettings settings, CallOptions options) =>
        Print(await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), options).ConfigureAwait(false));
}
