using System.ComponentModel;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using GtmMart.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public sealed class AccountOpportunitiesSettings : ClientSettings
{
    [CommandArgument(0, "<ACCOUNT_ID>")]
    [Description("The account, e.g. ACCT000061")]
    public string AccountId { get; init; } = "";

    [CommandOption("--include-closed")]
    [Description("Also list the account's closed (won or lost) opportunities")]
    public bool IncludeClosed { get; init; }
}

/// <summary><c>gtm client account-opportunities ACCOUNT</c>: the account's open opportunities with their scores.</summary>
public sealed class ClientAccountOpportunitiesCommand : ClientCommand<AccountOpportunitiesSettings>
{
    protected override async Task RunAsync(GrpcChannel channel, AccountOpportunitiesSettings settings, CallOptions options) =>
        Print(await new ScoringService.ScoringServiceClient(channel).ListAccountOpportunitiesAsync(
            new ListAccountOpportunitiesRequest { AccountId = settings.AccountId, IncludeClosed = settings.IncludeClosed }, options).ConfigureAwait(false));
}

public sealed class AccountInlineSettings : ClientSettings
{
    [CommandOption("--account-id <TEXT>")]
    [Description("Your id for the account or lead, echoed back")]
    public string? AccountId { get; init; }

    [CommandOption("--industry <TEXT>")]
    [Description("Industry, e.g. Software")]
    public string? Industry { get; init; }

    [CommandOption("--employee-band <TEXT>")]
    [Description("Employee band: 1-49, 50-199, 200-999, 1000-4999 or 5000+")]
    public string? EmployeeBand { get; init; }

    [CommandOption("--employee-count <N>")]
    [Description("Employee count")]
    public float? EmployeeCount { get; init; }

    [CommandOption("--annual-revenue-usd <DOLLARS>")]
    [Description("Annual revenue in dollars (sent as cents; at most two decimals)")]
    public decimal? AnnualRevenueUsd { get; init; }

    [CommandOption("--region <TEXT>")]
    [Description("Region, e.g. Europe")]
    public string? Region { get; init; }

    [CommandOption("--country <TEXT>")]
    [Description("Country, e.g. Germany")]
    public string? Country { get; init; }

    [CommandOption("--sessions-90d <N>")]
    [Description("Web sessions of the account's contacts in the last 90 days (engagement: behaviour score and segment)")]
    public float? Sessions90d { get; init; }

    [CommandOption("--strict")]
    [Description("Refuse the account (INVALID_ARGUMENT) when the model would not know a value, instead of scoring it with warnings")]
    public bool Strict { get; init; }

    public override ValidationResult Validate() =>
        AnnualRevenueUsd is { } dollars && dollars * 100 != decimal.Truncate(dollars * 100)
            ? ValidationResult.Error("--annual-revenue-usd: at most two decimals (amounts are sent in cents)")
            : ValidationResult.Success();

    public InlineAccount ToAccount()
    {
        var account = new InlineAccount
        {
            AccountId = AccountId ?? "",
            Industry = Industry ?? "",
            EmployeeBand = EmployeeBand ?? "",
            Region = Region ?? "",
            Country = Country ?? "",
        };
        if (EmployeeCount is { } count)
        {
            account.EmployeeCount = count;
        }

        if (AnnualRevenueUsd is { } revenue)
        {
            account.AnnualRevenueUsdCents = (long)(revenue * 100);
        }

        if (Sessions90d is { } sessions)
        {
            account.Sessions90D = sessions;
        }

        return account;
    }
}

/// <summary><c>gtm client score-account-inline</c>: ICP fit, tier, segment and reasons of a new account or lead; warnings on stderr.</summary>
public sealed class ClientScoreAccountInlineCommand : ClientCommand<AccountInlineSettings>
{
    protected override async Task RunAsync(GrpcChannel channel, AccountInlineSettings settings, CallOptions options)
    {
        var request = new ScoreAccountInlineRequest { Account = settings.ToAccount(), Strict = settings.Strict };
        var answer = await new ScoringService.ScoringServiceClient(channel).ScoreAccountInlineAsync(request, options).ConfigureAwait(false);
        foreach (var warning in answer.Warnings)
        {
            Console.Error.WriteLine($"warning: {warning.Field}: {warning.Description}");
        }

        Print(answer);
    }
}

/// <summary><c>gtm client allowed-values</c>: the categories the served models know, per inline request field.</summary>
public sealed class ClientAllowedValuesCommand : ClientCommand<ClientSettings>
{
    protected override async Task RunAsync(GrpcChannel channel, ClientSettings settings, CallOptions options) =>
        Print(await new ModelService.ModelServiceClient(channel).GetAllowedValuesAsync(new GetAllowedValuesRequest(), options).ConfigureAwait(false));
}

/// <summary>Parses <c>--tier A,B</c> into ICP tiers.</summary>
internal static class TierOption
{
    public static IReadOnlyList<IcpTier> Parse(string? text) =>
        string.IsNullOrWhiteSpace(text) ? []
        : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => t.ToUpperInvariant() switch
        {
            "A" => IcpTier.A,
            "B" => IcpTier.B,
            "C" => IcpTier.C,
            "D" => IcpTier.D,
            _ => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--tier: '{t}' is not a tier (A, B, C or D)")),
        })];
}
