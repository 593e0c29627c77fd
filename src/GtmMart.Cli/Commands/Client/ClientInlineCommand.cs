using Grpc.Core;
using Grpc.Net.Client;
using GtmMart.Contracts.V1;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

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
