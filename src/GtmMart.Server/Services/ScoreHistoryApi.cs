using System.Globalization;
using System.Text;
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
    private const int MaxIdLength = 256;
    private const string TokenVersion = "v1";

    public override async Task<GetScoreHistoryResponse> GetScoreHistory(GetScoreHistoryRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var violations = new Violations();
        var (type, id, field) = request.EntityCase switch
        {
            GetScoreHistoryRequest.EntityOneofCase.OpportunityId => (ScoredEntityType.Opportunity, request.OpportunityId, "opportunity_id"),
            GetScoreHistoryRequest.EntityOneofCase.AccountId => (ScoredEntityType.Account, request.AccountId, "account_id"),
            _ => (ScoredEntityType.Unspecified, "", "opportunity_id"),
        };
        if (type == ScoredEntityType.Unspecified)
        {
            violations.Add("entity", "set opportunity_id or account_id");
        }
        else if (string.IsNullOrWhiteSpace(id) || id.Length > MaxIdLength)
        {
            violations.Add(field, $"must be 1-{MaxIdLength} characters, not blank");
        }

        CheckSize(violations, "max_runs", request.MaxRuns);
        violations.ThrowIfAny();

        var entries = await Read(() => new ScoreHistoryReader(serving.State.Warehouse).History(Kind(type), id.Trim(), Size(request.MaxRuns)), context).ConfigureAwait(false);
        var response = new GetScoreHistoryResponse { EntityType = type, EntityId = id.Trim() };
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
        if (request.SinceRunId.Length > 64)
        {
            violations.Add("since_run_id", "must be at most 64 characters");
        }

        if (!System.Enum.IsDefined(request.EntityType))
        {
            violations.Add("entity_type", "must be OPPORTUNITY, ACCOUNT or unset");
        }

        violations.ThrowIfAny();
        var reader = new ScoreHistoryReader(serving.State.Warehouse);
        var since = request.SinceRunId.Length == 0 ? null : request.SinceRunId;
        var page = await Read(
            () =>
            {
                if (since is not null && !reader.IsKeptRun(since))
                {
                    throw RpcErrors.InvalidArgument("since_run_id", $"'{since}' is not a run kept in the score history");
                }

                var (offset, latest) = ParseToken(request);
                var result = reader.Changes(since, request.MinDelta, request.EntityType == ScoredEntityType.Unspecified ? null : Kind(request.EntityType), offset, Size(request.PageSize));
                if (latest is not null && latest != result.LatestRunId)
                {
                    throw RpcErrors.InvalidArgument("page_token", "a run was written since the first page; start again without page_token");
                }

                return result;
            },
            context).ConfigureAwait(false);

        var response = new ListScoreChangesResponse { Total = page.Total };
        response.Changes.AddRange(page.Changes.Select(Change));
        var next = page.Offset + page.Changes.Count;
        if (next < page.Total)
        {
            response.NextPageToken = Token(request, next, page.LatestRunId);
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

    /// <summary>
    /// An opaque token: the offset, the latest run when the first page was read (a new run invalidates it) and the
    /// request's filters (a token used with other filters is refused).
    /// </summary>
    private static string Token(ListScoreChangesRequest request, long offset, string latest) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join('\n', TokenVersion, offset.ToString(CultureInfo.InvariantCulture), latest, Filters(request))));

    private static (long Offset, string? Latest) ParseToken(ListScoreChangesRequest request)
    {
        if (request.PageToken.Length == 0)
        {
            return (0, null);
        }

        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Convert.FromBase64String(request.PageToken)).Split('\n', 4);
        }
        catch (FormatException)
        {
            throw RpcErrors.InvalidArgument("page_token", "is not a token this service issued");
        }

        if (parts.Length != 4 || parts[0] != TokenVersion || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            throw RpcErrors.InvalidArgument("page_token", "is not a token this service issued");
        }

        if (parts[3] != Filters(request))
        {
            throw RpcErrors.InvalidArgument("page_token", "was issued for other since_run_id, min_delta, page_size or entity_type; keep them as on the first page");
        }

        return (offset, parts[2]);
    }

    private static string Filters(ListScoreChangesRequest request) =>
        string.Join('|', request.SinceRunId, request.MinDelta.ToString("R", CultureInfo.InvariantCulture), request.PageSize.ToString(CultureInfo.InvariantCulture), ((int)request.EntityType).ToString(CultureInfo.InvariantCulture));

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
