using System.ComponentModel;
using Grpc.Core;
using Grpc.Net.Client;
using GtmMart.Contracts.V1;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public sealed class AttributionSettings : ClientSettings
{
    [CommandOption("--from <YYYY-MM>")]
    [Description("First month (inclusive; the opportunities' created month)")]
    public string From { get; init; } = "";

    [CommandOption("--to <YYYY-MM>")]
    [Description("Last month (inclusive)")]
    public string To { get; init; } = "";

    [CommandOption("--model <MODEL>")]
    [Description("One model: crm_source, first_touch, last_touch, linear, position_based, time_decay or markov. Default: every model")]
    public string? Model { get; init; }
}

/// <summary><c>gtm client attribution</c>: ReportingService.GetChannelAttribution.</summary>
public sealed class ClientAttributionCommand : ClientCommand<AttributionSettings>
{
    protected override async Task RunAsync(GrpcChannel channel, AttributionSettings settings, CallOptions options)
    {
        var request = new GetChannelAttributionRequest { MonthFrom = settings.From, MonthTo = settings.To };
        if (settings.Model is { } model)
        {
            request.Model = model;
        }

        Print(await new ReportingService.ReportingServiceClient(channel).GetChannelAttributionAsync(request, options).ConfigureAwait(false));
    }
}
