using System.ComponentModel;
using Grpc.Core;
using Grpc.Net.Client;
using GtmMart.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public sealed class ScoreHistorySettings : ClientSettings
{
    [CommandOption("--opportunity <ID>")]
    [Description("The opportunity whose kept scores to list")]
    public string? Opportunity { get; init; }

    [CommandOption("--account <ID>")]
    [Description("The account whose kept scores to list")]
    public string? Account { get; init; }

    [CommandOption("--max-runs <N>")]
    [Description("At most N runs, newest first (1-1000). Default: 100")]
    public int MaxRuns { get; init; }

    public override ValidationResult Validate() =>
        (Opportunity is null) == (Account is null) ? ValidationResult.Error("give exactly one of --opportunity ID and --account ID") : base.Validate();
}

/// <summary><c>gtm client score-history</c>: GetScoreHistory for one opportunity or account.</summary>
public sealed class ClientScoreHistoryCommand : ClientCommand<ScoreHistorySettings>
{
    protected override async Task RunAsync(GrpcChannel channel, ScoreHistorySettings settings, CallOptions options)
    {
        var request = new GetScoreHistoryRequest { MaxRuns = settings.MaxRuns };
        if (settings.Opportunity is { } opportunity)
        {
            request.OpportunityId = opportunity;
        }
        else
        {
            request.AccountId = settings.Account!;
        }

        Print(await new ScoreHistoryService.ScoreHistoryServiceClient(channel).GetScoreHistoryAsync(request, options).ConfigureAwait(false));
    }
}

public sealed class ScoreChangesSettings : ClientSettings
{
    [CommandOption("--since <RUN_ID>")]
    [Description("Changes of the runs written after this run. Default: the latest run's changes since each entity's previous run")]
    public string? Since { get; init; }

    [CommandOption("--min-delta <POINTS>")]
    [Description("Only changes of at least this many score points either way. Default: 0")]
    public double MinDelta { get; init; }

    [CommandOption("--entity <KIND>")]
    [Description("opportunity, account or both (default)")]
    public string Entity { get; init; } = "both";

    [CommandOption("--page-size <N>")]
    [Description("Changes per page (1-1000). Default: 100")]
    public int PageSize { get; init; }

    [CommandOption("--page-token <TOKEN>")]
    [Description("next_page_token of the previous page")]
    public string? PageToken { get; init; }

    public override ValidationResult Validate() =>
        Entity is not ("opportunity" or "account" or "both") ? ValidationResult.Error("--entity must be opportunity, account or both") : base.Validate();
}

/// <summary><c>gtm client score-changes</c>: ListScoreChanges, one page.</summary>
public sealed class ClientScoreChangesCommand : ClientCommand<ScoreChangesSettings>
{
    protected override async Task RunAsync(GrpcChannel channel, ScoreChangesSettings settings, CallOptions options)
    {
        var request = new ListScoreChangesRequest
        {
            SinceRunId = settings.Since ?? "",
            MinDelta = settings.MinDelta,
            PageSize = settings.PageSize,
            PageToken = settings.PageToken ?? "",
            EntityType = settings.Entity switch
            {
                "opportunity" => ScoredEntityType.Opportunity,
                "account" => ScoredEntityType.Account,
                _ => ScoredEntityType.Unspecified,
            },
        };
        Print(await new ScoreHistoryService.ScoreHistoryServiceClient(channel).ListScoreChangesAsync(request, options).ConfigureAwait(false));
    }
}
