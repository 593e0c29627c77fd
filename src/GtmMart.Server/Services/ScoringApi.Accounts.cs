using Grpc.Core;
using GtmMart.Contracts.V1;

namespace GtmMart.Server.Services;

/// <summary>The account lookups integrations need: a new account or lead scored from its firmographics, and an account's opportunities with their scores.</summary>
public sealed partial class ScoringApi
{
    /// <summary>
    /// Scores the account of the request against the ICP; what the fit model did not know (a category it has no slot
    /// for, an empty one, an unset firmographic number) is listed as warnings, or, with <c>strict</c>, refused as field
    /// violations.
    /// </summary>
    public override Task<ScoreAccountInlineResponse> ScoreAccountInline(ScoreAccountInlineRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        const string Path = "account.";
        var account = request.Account ?? new InlineAccount();
        account.AccountId = RequestText.Id(account.AccountId);
        var violations = new Violations();
        InlineAccountMapping.Validate(account, violations, Path);
        violations.ThrowIfAny();

        var snapshot = serving.Snapshot();
        var row = InlineAccountMapping.ToRow(account);
        var icp = snapshot.Icp;
        var warnings = InlineAccountMapping.Warnings(icp.UnknownValues(row), Path).ToList();
        if (request.Strict)
        {
            foreach (var (field, description) in warnings)
            {
                violations.Add(field, description);
            }

            violations.ThrowIfAny();
        }

        var response = new ScoreAccountInlineResponse { Score = ProtoMapping.ToProto(icp.Score(row), snapshot.IcpModel, featuresBuildId: 0) };
        response.Warnings.AddRange(warnings.Select(w => new FieldWarning { Field = w.Field, Description = w.Description }));
        return Task.FromResult(response);
    }

    /// <summary>The opportunities of a known account (open ones unless <c>include_closed</c>), each with its score as <see cref="ScoreOpportunities"/> gives it.</summary>
    public override Task<ListAccountOpportunitiesResponse> ListAccountOpportunities(ListAccountOpportunitiesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var accountId = RequestText.Id(request.AccountId);
        var violations = new Violations();
        Violations.CheckId(accountId, "account_id", violations);
        violations.ThrowIfAny();

        var snapshot = serving.Snapshot();
        if (!snapshot.Features.TryGetAccount(accountId, out _))
        {
            throw RpcErrors.NotFound(ProtoMapping.NotFound(accountId, "account").Message);
        }

        var response = new ListAccountOpportunitiesResponse
        {
            AccountId = accountId,
            OpenPipelineUsdCents = snapshot.Features.OpenPipelineUsdCents(accountId),
            FeaturesBuildId = snapshot.BuildId,
        };
        var rows = snapshot.Features.OpportunitiesOfAccount(accountId);
        var tally = new Tally();
        for (var i = 0; i < rows.Count; i++)
        {
            ThrowIfCancelledEvery(i, context.CancellationToken);
            var row = rows[i];
            if (row.IsClosed && !request.IncludeClosed)
            {
                continue;
            }

            response.Opportunities.Add(new AccountOpportunity
            {
                OpportunityId = row.OpportunityId,
                CreatedAt = ProtoMapping.ToTimestamp(row.CreatedDate),
                AmountUsdCents = snapshot.Features.AmountUsdCents(row.OpportunityId),
                Channel = row["channel"].Text,
                OwnerId = row["owner_id"].Text,
                OwnerRegion = row["owner_region"].Text,
                IsOpen = !row.IsClosed,
                Score = Opportunity(snapshot, row.OpportunityId, ref tally),
            });
        }

        tally.Report(serving.Metrics);
        return Task.FromResult(response);
    }
}
