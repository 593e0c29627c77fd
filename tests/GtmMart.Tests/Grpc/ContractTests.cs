using System.Globalization;
using Google.Rpc;
using Grpc.Core;
using GtmMart.Contracts.V1;
using GtmMart.Server.Services;

namespace GtmMart.Tests.Grpc;

/// <summary>
/// The gtm.v1 contract's exact types and lookups (issue 19 points 2 and 4) against the real server, each figure checked
/// against the mart queried directly: money in exact cents, probabilities as the scores' doubles, tiers as enums,
/// Timestamps, ids trimmed, empty optional strings unset, and the lookups integrations need.
/// </summary>
public sealed class ContractTests(GrpcServerFixture server) : IClassFixture<GrpcServerFixture>
{
    private static CallOptions Auth => GrpcServerFixture.Auth();

    [Fact]
    public async Task Priority_accounts_carry_the_marts_open_pipeline_in_exact_cents_and_the_scores_own_probability_and_tier()
    {
        var page = await server.Reporting.GetPriorityAccountsAsync(new GetPriorityAccountsRequest { Limit = 1000 }, Auth);

        Assert.NotEmpty(page.Accounts);
        var exact = server.Db.Rows(
                "select account_id, cast(round(sum(pipeline_amount_usd) * 100) as bigint) from core.fct_opportunities where not is_closed group by account_id")
            .ToDictionary(r => (string)r[0]!, r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture));
        var scores = await server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { page.Accounts.Select(a => a.BestOpportunityId) } }, Auth);
        var accounts = await server.Scoring.ScoreAccountsAsync(new ScoreAccountsRequest { AccountIds = { page.Accounts.Select(a => a.AccountId) } }, Auth);
        foreach (var (account, i) in page.Accounts.Select((a, i) => (a, i)))
        {
            Assert.Equal(exact[account.AccountId], account.OpenPipelineUsdCents);
            Assert.Equal(scores.Results[i].Score.Probability, account.BestWinProbability);
            Assert.Equal(accounts.Results[i].Score.Tier, account.Tier);
            Assert.NotEqual(IcpTier.Unspecified, account.Tier);
            Assert.Equal(account.FitScore / 100.0 * (account.OpenPipelineUsdCents / 100.0) * account.BestWinProbability, account.Priority);
        }

        // Some amounts have cents a float would lose (the reason for int64 cents).
        Assert.Contains(page.Accounts, a => a.OpenPipelineUsdCents % 100 != 0 && (long)Math.Round((float)(a.OpenPipelineUsdCents / 100.0) * 100.0) != a.OpenPipelineUsdCents);
        Assert.Equal(page.Accounts.Count, page.TotalSize);
        Assert.Equal(PublishedBuild(), page.FeaturesBuildId);
        Assert.Equal("opportunity-scoring", page.OpportunityModel.Name);
        Assert.NotNull(page.RankedAt);
    }

    [Fact]
    public async Task Priority_account_pages_follow_one_stable_order_and_filters_narrow_it()
    {
        var all = (await server.Reporting.GetPriorityAccountsAsync(new GetPriorityAccountsRequest { Limit = 1000 }, Auth)).Accounts;
        var paged = new List<PriorityAccount>();
        var request = new GetPriorityAccountsRequest { Limit = 7 };
        for (var pages = 0; pages < 200; pages++)
        {
            var page = await server.Reporting.GetPriorityAccountsAsync(request, Auth);
            Assert.Equal(all.Count, page.TotalSize);
            paged.AddRange(page.Accounts);
            if (page.NextPageToken.Length == 0)
            {
                break;
            }

            request.PageToken = page.NextPageToken;
        }

        Assert.Equal(all.Select(a => a.AccountId), paged.Select(a => a.AccountId));
        Assert.True(all.Count > 14, $"only {all.Count} ranked accounts");

        var tiers = new GetPriorityAccountsRequest { Limit = 1000, Tiers = { IcpTier.A, IcpTier.B } };
        var byTier = await server.Reporting.GetPriorityAccountsAsync(tiers, Auth);
        Assert.Equal(all.Where(a => a.Tier is IcpTier.A or IcpTier.B).Select(a => a.AccountId), byTier.Accounts.Select(a => a.AccountId));

        var region = all.GroupBy(a => a.Region).OrderByDescending(g => g.Count()).First().Key;
        var byRegion = await server.Reporting.GetPriorityAccountsAsync(new GetPriorityAccountsRequest { Limit = 1000, Region = region.ToUpperInvariant() }, Auth);
        Assert.Equal(all.Where(a => a.Region == region).Select(a => a.AccountId), byRegion.Accounts.Select(a => a.AccountId));

        var owner = server.State.Features!.OpenOpportunities.GroupBy(o => o["owner_id"].Text).OrderByDescending(g => g.Count()).First().Key;
        var ownerAccounts = server.State.Features!.OpenOpportunities.Where(o => o["owner_id"].Text == owner).Select(o => o.AccountId).ToHashSet();
        var byOwner = await server.Reporting.GetPriorityAccountsAsync(new GetPriorityAccountsRequest { Limit = 1000, OwnerId = $" {owner} " }, Auth);
        Assert.Equal(all.Where(a => ownerAccounts.Contains(a.AccountId)).Select(a => a.AccountId), byOwner.Accounts.Select(a => a.AccountId));

        // An empty optional string is no filter.
        var unfiltered = await server.Reporting.GetPriorityAccountsAsync(new GetPriorityAccountsRequest { Limit = 1000, Region = "", OwnerId = " " }, Auth);
        Assert.Equal(all.Select(a => a.AccountId), unfiltered.Accounts.Select(a => a.AccountId));
    }

    [Fact]
    public async Task Bad_page_tokens_other_filters_and_unknown_regions_are_INVALID_ARGUMENT_and_an_old_ranking_is_ABORTED()
    {
        var first = await server.Reporting.GetPriorityAccountsAsync(new GetPriorityAccountsRequest { Limit = 3 }, Auth);
        Assert.NotEmpty(first.NextPageToken);

        var forged = await Failure(new GetPriorityAccountsRequest { Limit = 3, PageToken = "bm90LWEtdG9rZW4" });
        var otherFilters = await Failure(new GetPriorityAccountsRequest { Limit = 3, PageToken = first.NextPageToken, Tiers = { IcpTier.A } });
        var region = await Failure(new GetPriorityAccountsRequest { Region = "Atlantis" });
        var tier = await Failure(new GetPriorityAccountsRequest { Tiers = { IcpTier.Unspecified } });

        Assert.Equal(["page_token"], Fields(forged));
        Assert.Equal(["page_token"], Fields(otherFilters));
        Assert.Equal(["region"], Fields(region));
        Assert.Contains("Europe", region.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(["tiers[0]"], Fields(tier));

        // New features (a refresh after a build or write-back) make a new ranking: the old token no longer applies.
        server.State.RefreshFeatures();
        var aborted = await Failure(new GetPriorityAccountsRequest { Limit = 3, PageToken = first.NextPageToken });
        Assert.Equal(StatusCode.Aborted, aborted.StatusCode);
        Assert.Contains("start again without a page token", aborted.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_accounts_open_opportunities_come_with_their_scores_and_exact_amounts()
    {
        var account = server.State.Features!.OpenOpportunities.GroupBy(o => o.AccountId).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;

        var answer = await server.Scoring.ListAccountOpportunitiesAsync(new ListAccountOpportunitiesRequest { AccountId = $"  {account}\t" }, Auth);
        var all = await server.Scoring.ListAccountOpportunitiesAsync(new ListAccountOpportunitiesRequest { AccountId = account, IncludeClosed = true }, Auth);

        var expected = server.Db.Rows(
            "select opportunity_id, cast(round(amount_usd * 100) as bigint), is_open from mart.mrt_opportunity_features where account_id = $a order by created_date, opportunity_id",
            ("a", account));
        Assert.Equal(account, answer.AccountId);
        Assert.Equal(expected.Where(r => (bool)r[2]!).Select(r => (string)r[0]!), answer.Opportunities.Select(o => o.OpportunityId));
        Assert.Equal(expected.Select(r => (string)r[0]!), all.Opportunities.Select(o => o.OpportunityId));
        Assert.Equal(expected.Select(r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture)), all.Opportunities.Select(o => o.AmountUsdCents));
        Assert.Equal(
            server.Db.Scalar<long>("select cast(round(sum(pipeline_amount_usd) * 100) as bigint) from core.fct_opportunities where account_id = $a and not is_closed", ("a", account)),
            answer.OpenPipelineUsdCents);
        Assert.Equal(PublishedBuild(), answer.FeaturesBuildId);

        var scored = await server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { all.Opportunities.Select(o => o.OpportunityId) } }, Auth);
        Assert.Equal(scored.Results.Select(r => ScoreStamps.Unstamped(r.Score)), all.Opportunities.Select(o => ScoreStamps.Unstamped(o.Score)));
        Assert.All(all.Opportunities, o => Assert.Equal(o.IsOpen, o.Score.IsOpen));
        Assert.Contains(all.Opportunities, o => !o.IsOpen);
        Assert.All(answer.Opportunities, o => Assert.Equal(o.CreatedAt.ToDateTime(), o.CreatedAt.ToDateTime().Date));

        var unknown = await Assert.ThrowsAsync<RpcException>(() => server.Scoring.ListAccountOpportunitiesAsync(new ListAccountOpportunitiesRequest { AccountId = "ACCT-NONE" }, Auth).ResponseAsync);
        var blank = await Assert.ThrowsAsync<RpcException>(() => server.Scoring.ListAccountOpportunitiesAsync(new ListAccountOpportunitiesRequest { AccountId = "   " }, Auth).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(["account_id"], Fields(blank));
        Assert.Contains("must not be empty", blank.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_known_accounts_firmographics_scored_inline_give_its_fit_tier_segment_and_reasons()
    {
        await ServeTrainedIcpAsync();
        var row = server.State.Features!.Accounts.First(a => a.EmployeeCount > 0 && a.AnnualRevenueUsd > 0);
        var inline = new InlineAccount
        {
            AccountId = " lead-1 ",
            Industry = row.Industry,
            EmployeeBand = row.EmployeeBand,
            EmployeeCount = row.EmployeeCount,
            AnnualRevenueUsdCents = (long)Math.Round(row.AnnualRevenueUsd * 100.0),
            Region = row.Region,
            Country = row.Country,
            Sessions90D = row.Sessions90d,
            Pageviews90D = row.Pageviews90d,
            FormSubmissions90D = row.FormSubmissions90d,
            PricingVisits90D = row.PricingVisits90d,
            DemoVisits90D = row.DemoVisits90d,
            EnterpriseVisits90D = row.EnterpriseVisits90d,
            EngagedContacts90D = row.EngagedContacts90d,
            SeniorEngagedContacts90D = row.SeniorEngagedContacts90d,
        };
        if (float.IsFinite(row.DaysSinceLastSession))
        {
            inline.DaysSinceLastSession = row.DaysSinceLastSession;
        }

        var answer = await server.Scoring.ScoreAccountInlineAsync(new ScoreAccountInlineRequest { Account = inline }, Auth);
        var known = (await server.Scoring.ScoreAccountsAsync(new ScoreAccountsRequest { AccountIds = { row.AccountId } }, Auth)).Results[0].Score;

        Assert.Empty(answer.Warnings);
        Assert.Equal("lead-1", answer.Score.AccountId);
        Assert.Equal(known.FitScore, answer.Score.FitScore, 9);
        Assert.Equal(known.Tier, answer.Score.Tier);
        Assert.Equal(known.Segment, answer.Score.Segment);
        Assert.Equal(known.Reasons, answer.Score.Reasons);
        Assert.Equal(known.BehaviourScore, answer.Score.BehaviourScore, 9);
        Assert.Equal(0, answer.Score.FeaturesBuildId);
        Assert.Equal(PublishedBuild(), known.FeaturesBuildId);
        Assert.NotNull(answer.Score.ScoredAt);
    }

    [Fact]
    public async Task An_inline_account_the_model_does_not_know_gets_warnings_or_with_strict_field_violations()
    {
        await ServeTrainedIcpAsync();
        var lead = new InlineAccount { Industry = "Aerospace", EmployeeBand = "200-999", Region = "Europe" };

        var answer = await server.Scoring.ScoreAccountInlineAsync(new ScoreAccountInlineRequest { Account = lead }, Auth);
        var strict = await Assert.ThrowsAsync<RpcException>(() => server.Scoring.ScoreAccountInlineAsync(new ScoreAccountInlineRequest { Account = lead, Strict = true }, Auth).ResponseAsync);
        var negative = await Assert.ThrowsAsync<RpcException>(() =>
            server.Scoring.ScoreAccountInlineAsync(new ScoreAccountInlineRequest { Account = new InlineAccount { EmployeeCount = -3, AnnualRevenueUsdCents = -1 } }, Auth).ResponseAsync);

        var warnings = answer.Warnings.ToDictionary(w => w.Field, w => w.Description);
        Assert.Equal("Unknown industry 'Aerospace'", warnings["account.industry"]);
        Assert.Equal("Employee count not given", warnings["account.employee_count"]);
        Assert.Equal("Annual revenue not given", warnings["account.annual_revenue_usd_cents"]);
        Assert.DoesNotContain("account.employee_band", warnings.Keys);
        Assert.DoesNotContain("account.region", warnings.Keys);
        Assert.InRange(answer.Score.FitScore, 0, 100);
        Assert.Equal(warnings.Keys.Order(StringComparer.Ordinal), Fields(strict).Order(StringComparer.Ordinal));
        Assert.Equal(["account.annual_revenue_usd_cents", "account.employee_count"], Fields(negative).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Allowed_values_are_what_the_served_models_know_and_a_value_outside_them_is_unknown()
    {
        await ServeTrainedIcpAsync();
        var allowed = (await server.Models.GetAllowedValuesAsync(new GetAllowedValuesRequest(), Auth)).Fields.ToDictionary(f => f.Field);

        var channels = allowed["InlineOpportunity.channel"];
        Assert.Equal(server.State.Models.Current!.Opportunity.KnownCategories["channel"], channels.Values);
        Assert.Subset(new HashSet<string> { "Google Ads", "LinkedIn", "Meta", "Twitter", "Organic", "Direct", "Partner", "Other" }, channels.Values.ToHashSet());
        Assert.Equal("opportunity-scoring", channels.Model.Name);
        foreach (var field in new[] { "InlineAccount.industry", "InlineAccount.employee_band", "InlineAccount.region" })
        {
            Assert.NotEmpty(allowed[field].Values);
            Assert.Equal("icp", allowed[field].Model.Name);
        }

        Assert.Contains("200-999", allowed["InlineAccount.employee_band"].Values);
        foreach (var channel in channels.Values)
        {
            var known = await server.Scoring.ScoreOpportunityInlineAsync(new ScoreOpportunityInlineRequest { Opportunity = new InlineOpportunity { Channel = channel } }, Auth);
            Assert.DoesNotContain(known.Warnings, w => w.Field == "opportunity.channel");
        }

        var unknown = await server.Scoring.ScoreOpportunityInlineAsync(new ScoreOpportunityInlineRequest { Opportunity = new InlineOpportunity { Channel = "Paid Search" } }, Auth);
        Assert.Contains(unknown.Warnings, w => w.Field == "opportunity.channel");
    }

    [Fact]
    public async Task Every_score_says_when_it_was_computed_from_which_build_and_whether_the_deal_is_open()
    {
        var open = server.State.Features!.OpenOpportunities[0].OpportunityId;
        var closed = server.State.Features!.Opportunities.First(o => o.IsClosed).OpportunityId;
        var before = DateTime.UtcNow;

        var scores = await server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { open, closed } }, Auth);
        var inline = await server.Scoring.ScoreOpportunityInlineAsync(new ScoreOpportunityInlineRequest { Opportunity = new InlineOpportunity { OpportunityId = " new " } }, Auth);

        Assert.True(scores.Results[0].Score.IsOpen);
        Assert.False(scores.Results[1].Score.IsOpen);
        Assert.All(scores.Results, r => Assert.Equal(PublishedBuild(), r.Score.FeaturesBuildId));
        Assert.All(scores.Results, r => Assert.InRange(r.Score.ScoredAt.ToDateTime(), server.State.Features!.LoadedAtUtc, DateTime.UtcNow));
        Assert.True(inline.Score.IsOpen);
        Assert.Equal(0, inline.Score.FeaturesBuildId);
        Assert.Equal("new", inline.Score.OpportunityId);
        Assert.InRange(inline.Score.ScoredAt.ToDateTime(), before, DateTime.UtcNow);
    }

    [Fact]
    public async Task Ids_are_trimmed_the_same_way_in_every_rpc_and_blank_ones_must_not_be_empty()
    {
        var opportunity = server.State.Features!.OpenOpportunities[0].OpportunityId;
        var account = server.State.Features!.Accounts[0].AccountId;

        var unary = await server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { $" {opportunity} " } }, Auth);
        var accounts = await server.Scoring.ScoreAccountsAsync(new ScoreAccountsRequest { AccountIds = { $"{account}\n" } }, Auth);
        var blank = await Assert.ThrowsAsync<RpcException>(() => server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { "   " } }, Auth).ResponseAsync);
        using var call = server.Scoring.ScoreStream(Auth);
        await call.RequestStream.WriteAsync(new ScoreStreamRequest { OpportunityId = $" {opportunity}" });
        await call.RequestStream.WriteAsync(new ScoreStreamRequest { Accounts = new ScoreAccountsRequest { AccountIds = { $"{account} " } } });
        await call.RequestStream.WriteAsync(new ScoreStreamRequest { AccountId = "  " });
        await call.RequestStream.CompleteAsync();
        var streamed = await call.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.Equal(opportunity, unary.Results[0].Score.OpportunityId);
        Assert.Equal(account, accounts.Results[0].Score.AccountId);
        Assert.Equal(["opportunity_ids[0]"], Fields(blank));
        Assert.Contains("must not be empty", blank.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(opportunity, streamed[0].Opportunity.OpportunityId);
        Assert.Equal(account, streamed[1].Accounts.Results[0].Score.AccountId);
        Assert.Equal((int)Code.InvalidArgument, streamed[2].Error.Code);
        Assert.Contains("must not be empty", streamed[2].Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_optional_strings_are_unset_and_the_funnel_channel_matches_without_case_or_names_the_allowed_ones()
    {
        var active = await server.Models.GetModelCardAsync(new GetModelCardRequest { Name = "opportunity-scoring" }, Auth);
        var empty = await server.Models.GetModelCardAsync(new GetModelCardRequest { Name = "opportunity-scoring", Version = "" }, Auth);
        Assert.Equal(active.Model, empty.Model);

        var range = new GetChannelFunnelRequest { MonthFrom = "2025-02", MonthTo = "2025-03" };
        var every = await server.Reporting.GetChannelFunnelAsync(range, Auth);
        var blank = await server.Reporting.GetChannelFunnelAsync(new GetChannelFunnelRequest(range) { Channel = "" }, Auth);
        var total = await server.Reporting.GetChannelFunnelAsync(new GetChannelFunnelRequest(range) { Channel = "Total" }, Auth);
        var lower = await server.Reporting.GetChannelFunnelAsync(new GetChannelFunnelRequest(range) { Channel = " total " }, Auth);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => server.Reporting.GetChannelFunnelAsync(new GetChannelFunnelRequest(range) { Channel = "Paid Search" }, Auth).ResponseAsync);

        Assert.Equal(every.Rows, blank.Rows);
        Assert.Equal(28, total.Rows.Count);
        Assert.Equal(total.Rows, lower.Rows);
        Assert.Equal(["channel"], Fields(unknown));
        Assert.Contains("Google Ads", unknown.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("Total", unknown.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Funnel_rows_name_their_metric_as_a_constant_and_carry_money_in_exact_cents()
    {
        var rows = (await server.Reporting.GetChannelFunnelAsync(new GetChannelFunnelRequest { MonthFrom = "2025-01", MonthTo = "2025-03", Channel = "Total" }, Auth)).Rows;

        var exact = server.Db.Rows(
                "select strftime(month, '%Y-%m'), metric_index, cast(value * 100 as bigint), cast(divided_by * 100 as bigint) from mart.mrt_monthly_channel_metrics where channel = 'Total' and month between date '2025-01-01' and date '2025-03-01'")
            .ToDictionary(r => ((string)r[0]!, Convert.ToInt32(r[1], CultureInfo.InvariantCulture)), r => (Convert.ToInt64(r[2], CultureInfo.InvariantCulture), Convert.ToInt64(r[3], CultureInfo.InvariantCulture)));
        Assert.Equal(exact.Count, rows.Count);
        foreach (var row in rows)
        {
            Assert.Equal(row.MetricIndex, (int)row.Metric);
            Assert.Equal(DateTime.ParseExact(row.Month, "yyyy-MM", CultureInfo.InvariantCulture), row.MonthStart.ToDateTime());
            var (value, dividedBy) = exact[(row.Month, row.MetricIndex)];
            var money = row.Metric is FunnelMetric.AdSpend or FunnelMetric.CostPerClick or FunnelMetric.CostPerSession or FunnelMetric.Revenue or FunnelMetric.Roas;
            Assert.Equal(money, row.HasValueUsdCents);
            Assert.Equal(row.Metric == FunnelMetric.Roas, row.HasDividedByUsdCents);
            if (money)
            {
                Assert.Equal(value, row.ValueUsdCents);
            }

            if (row.HasDividedByUsdCents)
            {
                Assert.Equal(dividedBy, row.DividedByUsdCents);
            }
        }

        Assert.Equal(Enumerable.Range(1, 14), rows.Where(r => r.Month == "2025-02").Select(r => (int)r.Metric));
    }

    /// <summary>
    /// Serves a trained ICP fit: the fixture's small world leaves the baseline (a neutral fit, which knows no
    /// categories) active, so its trained candidate is promoted past the gate and the models reloaded.
    /// </summary>
    private async Task ServeTrainedIcpAsync()
    {
        if (server.State.Models.Current!.Icp.Manifest.Fit.Trained)
        {
            return;
        }

        var trained = server.Registry.Versions("icp").Last(v => File.Exists(Path.Combine(v.Directory, "icp_fit_model.zip")));
        server.Registry.Promote("icp", trained.Version, force: true, note: "contract tests need a trained fit");
        await server.Models.ReloadModelsAsync(new ReloadModelsRequest(), Auth);
        Assert.True(server.State.Models.Current!.Icp.Manifest.Fit.Trained);
    }

    private long PublishedBuild() =>
        server.Db.Scalar<long>("select max(build_id) from gtm_meta.builds where status = 'published'");

    private async Task<RpcException> Failure(GetPriorityAccountsRequest request) =>
        await Assert.ThrowsAsync<RpcException>(() => server.Reporting.GetPriorityAccountsAsync(request, Auth).ResponseAsync);

    private static string[] Fields(RpcException error)
    {
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var badRequest = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        return [.. badRequest.FieldViolations.Select(v => v.Field)];
    }
}
