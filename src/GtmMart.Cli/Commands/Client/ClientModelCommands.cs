using System.ComponentModel;
using Grpc.Core;
using Grpc.Net.Client;
using GtmMart.Contracts.V1;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public sealed class ClientModelsCommand : ClientCommand<ClientSettings>
{
    protected override async Task RunAsync(GrpcChannel channel, ClientSettings settings, CallOptions options) =>
        Print(await new ModelService.ModelServiceClient(channel).ListModelsAsync(new ListModelsRequest(), options).ConfigureAwait(false));
}

public sealed class ModelCardSettings : ClientSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("Model name, e.g. opportunity-scoring or icp")]
    public string Name { get; init; } = "";

    [CommandOption("--version <VERSION>")]
    [Description("Version, e.g. v0002. Default: the active one")]
    public string? Version { get; init; }
}

public sealed class ClientModelCardCommand : ClientCommand<ModelCardSettings>
{
    protected override async Task RunAsync(GrpcChannel channel, ModelCardSettings settings, CallOptions options)
    {
        var request = new GetModelCardRequest { Name = settings.Name };
        if (settings.Version is { } version)
        {
            request.Version = version;
        }

        var response = await new ModelService.ModelServiceClient(channel).GetModelCardAsync(request, options).ConfigureAwait(false);

        // The card itself is JSON already: print it as is rather than as an escaped string.
        Console.WriteLine(response.CardJson);
    }
}

public sealed class ClientReloadCommand : ClientCommand<ClientSettings>
{
    protected override async Task RunAsync(GrpcChannel channel, ClientSettings settings, CallOptions options) =>
        Print(await new ModelService.ModelServiceClient(channel).ReloadModelsAsync(new ReloadModelsRequest(), options).ConfigureAwait(false));
}
