using System.ComponentModel;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

/// <summary>Options of every <c>gtm client</c> command: where the server is and the API key.</summary>
public class ClientSettings : CommandSettings
{
    public const string ApiKeyVariable = "GTM_API_KEY";

    [CommandOption("-a|--address <URL>")]
    [Description("Server address. Default: $GTM_ADDRESS, else http://127.0.0.1:5080")]
    public string? Address { get; init; }

    [CommandOption("--api-key <KEY>")]
    [Description("API key sent as 'authorization: Bearer KEY'. Default: $GTM_API_KEY (prefer the variable: arguments show up in process lists)")]
    public string? ApiKey { get; init; }

    [CommandOption("--timeout <SECONDS>")]
    [Description("Deadline of the call in seconds. Default: 60")]
    public double Timeout { get; init; } = 60;

    /// <summary>The server address: --address, else $GTM_ADDRESS, else the default; <c>host:port</c> means <c>http://host:port</c>.</summary>
    public string ServerAddress
    {
        get
        {
            var given = Address ?? Environment.GetEnvironmentVariable("GTM_ADDRESS") ?? "http://127.0.0.1:5080";
            var url = GtmMart.Server.Hosting.Listeners.WithScheme(given.Trim());
            return Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0
                ? url
                : throw new ArgumentException($"--address: '{(given.Length <= 80 ? given : given[..80] + "…")}' is not a server address like 127.0.0.1:5080 or http://127.0.0.1:5080");
        }
    }

    public GrpcChannel OpenChannel() =>
        GrpcChannel.ForAddress(ServerAddress, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        });

    public CallOptions Call(CancellationToken cancellationToken)
    {
        var headers = new Metadata();
        if ((ApiKey ?? Environment.GetEnvironmentVariable(ApiKeyVariable)) is { Length: > 0 } key)
        {
            headers.Add("authorization", "Bearer " + key);
        }

        return new CallOptions(headers, DateTime.UtcNow.AddSeconds(Timeout), cancellationToken);
    }
}

/// <summary>Base of the client commands: runs one call, prints the response as JSON, turns gRPC errors into one error: line.</summary>
public abstract class ClientCommand<TSettings> : AsyncCommand<TSettings>
    where TSettings : ClientSettings
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithIndentation());

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var channel = settings.OpenChannel();
        try
        {
            await RunAsync(channel, settings, settings.Call(cancellationToken)).ConfigureAwait(false);
            return 0;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && ex.Status.DebugException is { } cause)
        {
            // The client could not reach a server (refused, unknown host, TLS): say where it looked, in one line.
            Console.Error.WriteLine($"error: no gtm server answered at {settings.ServerAddress} ({Innermost(cause)}): start one with gtm serve, or point --address or $GTM_ADDRESS at it");
            return 1;
        }
        catch (RpcException ex)
        {
            Console.Error.WriteLine($"error: {ex.StatusCode}: {ex.Status.Detail}");
            if (ex.GetRpcStatus()?.GetDetail<BadRequest>() is { } badRequest)
            {
                foreach (var violation in badRequest.FieldViolations)
                {
                    Console.Error.WriteLine($"  {violation.Field}: {violation.Description}");
                }
            }

            return 1;
        }
    }

    private static string Innermost(Exception exception)
    {
        while (exception.InnerException is { } inner)
        {
            exception = inner;
        }

        var message = exception.Message.Split('\n')[0].Trim().TrimEnd('.');
        return message.Length <= 200 ? message : message[..200] + "…";
    }

    protected static void Print(IMessage message) => Console.WriteLine(Json.Format(message));

    protected abstract Task RunAsync(GrpcChannel channel, TSettings settings, CallOptions options);
}
