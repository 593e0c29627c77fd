using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using GtmMart.Contracts.V1;
using GtmMart.Serving;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Server.Services;

/// <summary>
/// gtm.v1.ScoreHistoryService: one entity's kept scores (history.scores) and the changes between runs
/// (mart.mrt_score_changes), read from the warehouse on a short-lived connection per call.
/// </summary>
public sealed class ScoreHistoryApi(ServingAccess serving) : ScoreHistoryService.ScoreHistoryServiceBase
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
    private const int MaxTokenLength = 512;

    public override async Task<GetScoreHistoryResponse> GetScoreHistory(GetScoreHistoryRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var violations = new Violations();
        var (type, id, field) = request.EntityCase switch
        {
            GetScoreHistoryRequest.EntityOneofCase.OpportunityId => (ScoredEntityType.Opportunity, RequestText.Id(request.OpportunityId), "opportunity_id"),
            GetScoreHistoryRequest.EntityOneofCase.AccountId => (ScoredEntityType.Account, RequestText.Id(request.AccountId), "account_id"),
            _ => (ScoredEntityType.Unspecified, "", "opportunity_id"),
        };
        if (type == ScoredEntityType.Unspecified)
        {
            violations.Add("entity", "set opportunity_id or account_id");
        }
        else
        {
            Violations.CheckId(id, field, violations);
        }

        CheckSize(violations, "max_runs", request.MaxRuns);
        violations.ThrowIfAny();

        var entries = await Read(() => new ScoreHistoryReader(serving.State.Warehouse).History(Kind(type), id, Size(request.MaxRuns)), context).ConfigureAwait(false);
        var response = new GetScoreHistoryResponse { EntityType = type, EntityId = id };
        response.Entries.AddRange(entries.Select(Entry));
        return response;
    }

    public override async Task<ListScoreChangesResponse> ListScoreChanges(ListScoreChangesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var violations = new Violations();
        if (!double.IsFinite(request.MinDelta) || request.MinDelta < 0)
        {
            violations.Add("min_delta", "must be a finite number of at least 0");
        }

        CheckSize(violations, "page_size", request.PageSize);
        var since = RequestText.Optional(true, request.SinceRunId);
        if (since is not null && !WriteBackApi.IsRunId(since))
        {
            violations.Add("since_run_id", "must be 1-64 characters of letters, digits, '.', '_' or '-'");
        }

        if (!System.Enum.IsDefined(request.EntityType))
        {
            violations.Add("entity_type", "must be OPPORTUNITY, ACCOUNT or unset");
        }

        if (request.PageToken.Length > MaxTokenLength)
        {
            violations.Add("page_token", "is not a page token this server issued: pass next_page_token unchanged, or leave it empty for the first page");
        }

        violations.ThrowIfAny();
        var reader = new ScoreHistoryReader(serving.State.Warehouse);
        var filters = Filters(request, since);
        var page = await Read(
            () =>
            {
                if (since is not null && !reader.IsKeptRun(since))
                {
                    throw RpcErrors.InvalidArgument("since_run_id", $"'{since}' is not a run kept in the score history");
                }

                var latest = reader.LatestRunId();
                var offset = request.PageToken.Length == 0 ? 0
                    : PageToken.Read(request.PageToken, latest, filters, "since_run_id, min_delta, page_size and entity_type", "a scoring run was written since this page token was issued");
                var kind = request.EntityType == ScoredEntityType.Unspecified ? null : Kind(request.EntityType);
                var result = reader.Changes(since, request.MinDelta, kind, offset, Size(request.PageSize));
                return result.LatestRunId == latest || request.PageToken.Length == 0 ? result
                    : throw RpcErrors.Aborted("a scoring run was written since this page token was issued: start again without a page token");
            },
            context).ConfigureAwait(false);

        var response = new ListScoreChangesResponse { TotalSize = (int)Math.Min(page.Total, int.MaxValue) };
        response.Changes.AddRange(page.Changes.Select(Change));
        var next = page.Offset + page.Changes.Count;
        if (next < page.Total)
        {
            response.NextPageToken = PageToken.Write(page.LatestRunId, filters, (int)next);
        }

        return response;
    }

    /// <summary>Runs a warehouse read off the request thread; a busy or missing warehouse is UNAVAILABLE in one line.</summary>
    private static async Task<T> Read<T>(Func<T> read, ServerCallContext context)
    {
        try
        {
            return await Task.Run(read, context.CancellationToken).ConfigureAwait(false);
        }
        catch (WarehouseException ex)
        {
            throw RpcErrors.Unavailable("the warehouse could not be read now: " + ex.Message.Split('\n')[0]);
        }
    }

    private static void CheckSize(Violations violations, string field, int value)
    {
        if (value is < 0 or > MaxPageSize)
        {
            violations.Add(field, $"must be 0 (default {DefaultPageSize}) to {MaxPageSize}");
        }
    }

    private static int Size(int value) => value == 0 ? DefaultPageSize : value;

    private static string Kind(ScoredEntityType type) => type == ScoredEntityType.Account ? ScoreHistoryReader.Account : ScoreHistoryReader.Opportunity;

    private static ScoredEntityType Type(string kind) => kind == ScoreHistoryReader.Account ? ScoredEntityType.Account : ScoredEntityType.Opportunity;

    /// <summary>What a page token must be used with: every field but the token (the run id as the server reads it).</summary>
    private static string Filters(ListScoreChangesRequest request, string? since) =>
        string.Join('|', since ?? "", request.MinDelta.ToString("R", CultureInfo.InvariantCulture), request.PageSize.ToString(CultureInfo.InvariantCulture), ((int)request.EntityType).ToString(CultureInfo.InvariantCulture));

    private static GtmMart.Contracts.V1.ScoreHistoryEntry Entry(GtmMart.Serving.ScoreHistoryEntry e)
    {
        var entry = new GtmMart.Contracts.V1.ScoreHistoryEntry
        {
            RunId = e.RunId,
            ScoredAt = Timestamp.FromDateTime(e.ScoredAtUtc),
            Score = e.Score,
            ModelName = e.ModelName,
            ModelVersion = e.ModelVersion,
        };
        if (e.Probability is { } p)
        {
            entry.Probability = p;
        }

        if (e.Tier is { } tier)
        {
            entry.Tier = tier;
        }

        entry.Reasons.AddRange(e.Reasons.Select(r =>
        {
            var reason = new GtmMart.Contracts.V1.HistoryReason
            {
                Family = r.Family ?? "",
                Text = r.Text,
                Direction = r.Direction switch { "+" => FactorDirection.Raises, "-" => FactorDirection.Lowers, _ => FactorDirection.Unspecified },
                UnknownValue = r.Direction == "unknown",
            };
            if (r.Contribution is { } c)
            {
                reason.Contribution = c;
            }

            return reason;
        }));
        return entry;
    }

    private static ScoreChange Change(ScoreChangeRow c)
    {
        var change = new ScoreChange
        {
            EntityType = Type(c.EntityType),
            EntityId = c.EntityId,
            RunId = c.RunId,
            PreviousRunId = c.PreviousRunId,
            ScoredAt = Timestamp.FromDateTime(c.ScoredAtUtc),
            PreviousScoredAt = Timestamp.FromDateTime(c.PreviousScoredAtUtc),
            PreviousScore = c.PreviousScore,
            Score = c.Score,
            Delta = c.Delta,
            ModelName = c.ModelName,
            ModelVersion = c.ModelVersion,
            PreviousModelVersion = c.PreviousModelVersion,
        };
        if (c.PreviousTier is { } previousTier)
        {
            change.PreviousTier = previousTier;
        }

        if (c.Tier is { } tier)
        {
            change.Tier = tier;
        }

        change.MovedFamilies.AddRange(c.MovedFamilies.Select(m => new FamilyMove { Family = m.Family, ContributionChange = m.Change }));
        return change;
    }
}
