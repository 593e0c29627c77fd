using System.ComponentModel;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using GtmMart.Contracts.V1;
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

    public GrpcChannel OpenChannel() =>
        GrpcChannel.ForAddress(Address ?? Environment.GetEnvironmentVariable("GTM_ADDRESS") ?? "http://127.0.0.1:5080", new GrpcChannelOptions
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

    protected static void Print(IMessage message) => Console.WriteLine(Json.Format(message));

    protected abstract Task RunAsync(GrpcChannel channel, TSettings settings, CallOptions options);
}

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

public sealed class InlineSettings : ClientSettings
{
    [CommandOption("--opportunity-id <TEXT>")]
    public string? OpportunityId { get; init; }

    [CommandOption("--account-id <TEXT>")]
    public string? AccountId { get; init; }

    [CommandOption("--amount-usd <N>")]
    public float? AmountUsd { get; init; }

    [CommandOption("--channel <TEXT>")]
    public string? Channel { get; init; }

    [CommandOption("--is-paid-media <N>")]
    public float? IsPaidMedia { get; init; }

    [CommandOption("--owner-region <TEXT>")]
    public string? OwnerRegion { get; init; }

    [CommandOption("--owner-id <TEXT>")]
    public string? OwnerId { get; init; }

    [CommandOption("--industry <TEXT>")]
    public string? Industry { get; init; }

    [CommandOption("--employee-band <TEXT>")]
    public string? EmployeeBand { get; init; }

    [CommandOption("--employee-count <N>")]
    public float? EmployeeCount { get; init; }

    [CommandOption("--annual-revenue-usd <N>")]
    public float? AnnualRevenueUsd { get; init; }

    [CommandOption("--account-region <TEXT>")]
    public string? AccountRegion { get; init; }

    [CommandOption("--prior-opportunities <N>")]
    public float? PriorOpportunities { get; init; }

    [CommandOption("--prior-won <N>")]
    public float? PriorWon { get; init; }

    [CommandOption("--prior-lost <N>")]
    public float? PriorLost { get; init; }

    [CommandOption("--sessions-7d <N>")]
    public float? Sessions7d { get; init; }

    [CommandOption("--sessions-30d <N>")]
    public float? Sessions30d { get; init; }

    [CommandOption("--sessions-90d <N>")]
    public float? Sessions90d { get; init; }

    [CommandOption("--pageviews-30d <N>")]
    public float? Pageviews30d { get; init; }

    [CommandOption("--pageviews-90d <N>")]
    public float? Pageviews90d { get; init; }

    [CommandOption("--form-submissions-30d <N>")]
    public float? FormSubmissions30d { get; init; }

    [CommandOption("--form-submissions-90d <N>")]
    public float? FormSubmissions90d { get; init; }

    [CommandOption("--pricing-visits-30d <N>")]
    public float? PricingVisits30d { get; init; }

    [CommandOption("--demo-visits-30d <N>")]
    public float? DemoVisits30d { get; init; }

    [CommandOption("--enterprise-visits-30d <N>")]
    public float? EnterpriseVisits30d { get; init; }

    [CommandOption("--pricing-visits-90d <N>")]
    public float? PricingVisits90d { get; init; }

    [CommandOption("--demo-visits-90d <N>")]
    public float? DemoVisits90d { get; init; }

    [CommandOption("--enterprise-visits-90d <N>")]
    public float? EnterpriseVisits90d { get; init; }

    [CommandOption("--senior-sessions-30d <N>")]
    public float? SeniorSessions30d { get; init; }

    [CommandOption("--senior-sessions-90d <N>")]
    public float? SeniorSessions90d { get; init; }

    [CommandOption("--engaged-contacts-90d <N>")]
    public float? EngagedContacts90d { get; init; }

    [CommandOption("--senior-engaged-contacts-90d <N>")]
    public float? SeniorEngagedContacts90d { get; init; }

    [CommandOption("--days-since-last-session <N>")]
    public float? DaysSinceLastSession { get; init; }

    public InlineOpportunity ToRequest()
    {
        var deal = new InlineOpportunity();
        if (OpportunityId is { } opportunityidValue)
        {
            deal.OpportunityId = opportunityidValue;
        }

        if (AccountId is { } accountidValue)
        {
            deal.AccountId = accountidValue;
        }

        if (AmountUsd is { } amountusdValue)
        {
            deal.AmountUsd = amountusdValue;
        }

        if (Channel is { } channelValue)
        {
            deal.Channel = channelValue;
        }

        if (IsPaidMedia is { } ispaidmediaValue)
        {
            deal.IsPaidMedia = ispaidmediaValue;
        }

        if (OwnerRegion is { } ownerregionValue)
        {
            deal.OwnerRegion = ownerregionValue;
        }

        if (OwnerId is { } owneridValue)
        {
            deal.OwnerId = owneridValue;
        }

        if (Industry is { } industryValue)
        {
            deal.Industry = industryValue;
        }

        if (EmployeeBand is { } employeebandValue)
        {
            deal.EmployeeBand = employeebandValue;
        }

        if (EmployeeCount is { } employeecountValue)
        {
            deal.EmployeeCount = employeecountValue;
        }

        if (AnnualRevenueUsd is { } annualrevenueusdValue)
        {
            deal.AnnualRevenueUsd = annualrevenueusdValue;
        }

        if (AccountRegion is { } accountregionValue)
        {
            deal.AccountRegion = accountregionValue;
        }

        if (PriorOpportunities is { } prioropportunitiesValue)
        {
            deal.PriorOpportunities = prioropportunitiesValue;
        }

        if (PriorWon is { } priorwonValue)
        {
            deal.PriorWon = priorwonValue;
        }

        if (PriorLost is { } priorlostValue)
        {
            deal.PriorLost = priorlostValue;
        }

        if (Sessions7d is { } sessions7dValue)
        {
            deal.Sessions7D = sessions7dValue;
        }

        if (Sessions30d is { } sessions30dValue)
        {
            deal.Sessions30D = sessions30dValue;
        }

        if (Sessions90d is { } sessions90dValue)
        {
            deal.Sessions90D = sessions90dValue;
        }

        if (Pageviews30d is { } pageviews30dValue)
        {
            deal.Pageviews30D = pageviews30dValue;
        }

        if (Pageviews90d is { } pageviews90dValue)
        {
            deal.Pageviews90D = pageviews90dValue;
        }

        if (FormSubmissions30d is { } formsubmissions30dValue)
        {
            deal.FormSubmissions30D = formsubmissions30dValue;
        }

        if (FormSubmissions90d is { } formsubmissions90dValue)
        {
            deal.FormSubmissions90D = formsubmissions90dValue;
        }

        if (PricingVisits30d is { } pricingvisits30dValue)
        {
            deal.PricingVisits30D = pricingvisits30dValue;
        }

        if (DemoVisits30d is { } demovisits30dValue)
        {
            deal.DemoVisits30D = demovisits30dValue;
        }

        if (EnterpriseVisits30d is { } enterprisevisits30dValue)
        {
            deal.EnterpriseVisits30D = enterprisevisits30dValue;
        }

        if (PricingVisits90d is { } pricingvisits90dValue)
        {
            deal.PricingVisits90D = pricingvisits90dValue;
        }

        if (DemoVisits90d is { } demovisits90dValue)
        {
            deal.DemoVisits90D = demovisits90dValue;
        }

        if (EnterpriseVisits90d is { } enterprisevisits90dValue)
        {
            deal.EnterpriseVisits90D = enterprisevisits90dValue;
        }

        if (SeniorSessions30d is { } seniorsessions30dValue)
        {
            deal.SeniorSessions30D = seniorsessions30dValue;
        }

        if (SeniorSessions90d is { } seniorsessions90dValue)
        {
            deal.SeniorSessions90D = seniorsessions90dValue;
        }

        if (EngagedContacts90d is { } engagedcontacts90dValue)
        {
            deal.EngagedContacts90D = engagedcontacts90dValue;
        }

        if (SeniorEngagedContacts90d is { } seniorengagedcontacts90dValue)
        {
            deal.SeniorEngagedContacts90D = seniorengagedcontacts90dValue;
        }

        if (DaysSinceLastSession is { } dayssincelastsessionValue)
        {
            deal.DaysSinceLastSession = dayssincelastsessionValue;
        }

        return deal;
    }
}

public sealed class ClientScoreInlineCommand : ClientCommand<InlineSettings>
{
    protected override async Task RunAsync(GrpcChannel channel, InlineSettings settings, CallOptions options) =>
        Print(await new ScoringService.ScoringServiceClient(channel).ScoreOpportunityInlineAsync(settings.ToRequest(), options).ConfigureAwait(false));
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
