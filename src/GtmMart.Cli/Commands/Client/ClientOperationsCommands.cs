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
    [Description("Accounts per page (1-1000). Default: 20")]
    public int Limit { get; init; } = 20;

    [CommandOption("--tier <TIERS>")]
    [Description("Only these ICP tiers, comma-separated, e.g. A,B")]
    public string? Tier { get; init; }

    [CommandOption("--region <REGION>")]
    [Description("Only accounts of this region, e.g. Europe")]
    public string? Region { get; init; }

    [CommandOption("--owner <OWNER_ID>")]
    [Description("Only accounts with an open opportunity of this owner, e.g. OWN007")]
    public string? Owner { get; init; }

    [CommandOption("--page-token <TOKEN>")]
    [Description("Continue after the page that returned this next_page_token (same filters)")]
    public string? PageToken { get; init; }

    public override Spectre.Console.ValidationResult Validate()
    {
        try
        {
            _ = TierOption.Parse(Tier);
            return Spectre.Console.ValidationResult.Success();
        }
        catch (ArgumentException ex)
        {
            return Spectre.Console.ValidationResult.Error(ex.Message);
        }
    }
}

public sealed class ClientPriorityAccountsCommand : ClientCommand<PrioritySettings>
{
    protected override async Task RunAsync(GrpcChannel channel, PrioritySettings settings, CallOptions options)
    {
        var request = new GetPriorityAccountsRequest { Limit = settings.Limit, PageToken = settings.PageToken ?? "" };
        request.Tiers.AddRange(TierOption.Parse(settings.Tier));
        if (settings.Region is { } region)
        {
            request.Region = region;
        }

        if (settings.Owner is { } owner)
        {
            request.OwnerId = owner;
        }

        Print(await new ReportingService.ReportingServiceClient(channel).GetPriorityAccountsAsync(request, options).ConfigureAwait(false));
    }
}

public sealed class ClientHealthCommand : ClientCommand<ClientSettings>
{
    protected override async Task RunAsync(GrpcChannel channel, ClientSettings settings, CallOptions options) =>
        Print(await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), options).ConfigureAwait(false));
}
