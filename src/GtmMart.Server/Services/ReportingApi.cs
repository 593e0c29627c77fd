using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Core;
using GtmMart.Contracts.V1;
using GtmMart.Serving;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Server.Services;

/// <summary>
/// gtm.v1.ReportingService. The channel funnel is the one rpc that reads the warehouse: its query is
/// <c>sql/reports/api/channel_funnel.sql</c>, with the request's values as parameters, on a short-lived connection.
/// Priority accounts come from the in-memory features and the served models (<see cref="PriorityRanking"/>), ranked
/// once per serving snapshot (<see cref="ServingSnapshot.PriorityRanking"/>), so a reload or refresh ranks again.
/// </summary>
public sealed partial class ReportingApi(ServingAccess serving) : ReportingService.ReportingServiceBase
{
    public const int DefaultPriorityLimit = 20;
    public const int MaxPriorityLimit = 1000;

    private const string FunnelSchema = "mart";
    private const string FunnelRelation = "mrt_monthly_channel_metrics";

    public override Task<GetChannelFunnelResponse> GetChannelFunnel(GetChannelFunnelRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var violations = new Violations();
        var (from, to) = ParseMonthRange(request.MonthFrom, request.MonthTo, violations);

        var channel = RequestText.Optional(request.HasChannel, request.Channel);
        if (channel is { Length: > 128 })
        {
            violations.Add("channel", "must be a channel name (at most 128 characters) or left unset");
        }

        violations.ThrowIfAny();

        var response = new GetChannelFunnelResponse();
        try
        {
            using var connection = serving.State.Warehouse.Open();
            RequireFunnel(connection);
            using var command = connection.Command(
                ReportingQueries.ChannelFunnel,
                ("month_from", from!.Value), ("month_to", to!.Value), ("channel", channel is null ? null : Channel(connection, channel)));
            using var registration = context.CancellationToken.Register(() => TryCancel(command));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                response.Rows.Add(ReadRow(reader));
            }
        }
        catch (WarehouseException ex)
        {
            throw RpcErrors.Unavailable("the warehouse cannot be read now: " + ex.Message.Split('\n')[0]);
        }

        return Task.FromResult(response);
    }

    public override Task<GetPriorityAccountsResponse> GetPriorityAccounts(GetPriorityAccountsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var violations = new Violations();
        if (request.Limit is < 0 or > MaxPriorityLimit)
        {
            violations.Add("limit", $"must be 0-{MaxPriorityLimit} (0 means {DefaultPriorityLimit})");
        }

        for (var i = 0; i < request.Tiers.Count; i++)
        {
            if (request.Tiers[i] is not (IcpTier.A or IcpTier.B or IcpTier.C or IcpTier.D))
            {
                violations.Add($"tiers[{i}]", "must be ICP_TIER_A, ICP_TIER_B, ICP_TIER_C or ICP_TIER_D");
            }
        }

        var region = RequestText.Optional(request.HasRegion, request.Region);
        var owner = RequestText.Optional(request.HasOwnerId, request.OwnerId);
        if (owner is not null)
        {
            Violations.CheckId(owner, "owner_id", violations);
        }

        violations.ThrowIfAny();

        var snapshot = serving.Snapshot();
        _ = (snapshot.Opportunity, snapshot.Icp); // FAILED_PRECONDITION, saying which, when a side has no scorer
        var ranking = snapshot.PriorityRanking;
        string? canonicalRegion = null;
        if (region is not null)
        {
            canonicalRegion = ranking.Regions.FirstOrDefault(r => string.Equals(r, region, StringComparison.OrdinalIgnoreCase))
                ?? throw RpcErrors.InvalidArgument("region", $"no account has region '{Bounded(region)}'; known: {string.Join(", ", ranking.Regions)}");
        }

        var filter = new PriorityFilter([.. request.Tiers.Distinct().Order()], canonicalRegion, owner);
        var offset = request.PageToken.Length == 0 ? 0 : PageToken.Read(request.PageToken, ranking.Key, filter.Key);
        var matching = ranking.Entries.Where(filter.Matches).ToList();
        var size = request.Limit == 0 ? DefaultPriorityLimit : request.Limit;
        var response = new GetPriorityAccountsResponse
        {
            TotalSize = matching.Count,
            RankedAt = ranking.RankedAt,
            FeaturesBuildId = snapshot.BuildId,
            OpportunityModel = snapshot.OpportunityModel,
            IcpModel = snapshot.IcpModel,
            NextPageToken = offset + size < matching.Count ? PageToken.Write(ranking.Key, filter.Key, offset + size) : "",
        };
        response.Accounts.AddRange(matching.Skip(offset).Take(size).Select(e => e.Account.Clone()));
        return Task.FromResult(response);
    }

    /// <summary>
    /// FAILED_PRECONDITION, saying what to run, when the warehouse has no published mart or the published mart lacks
    /// the funnel view (checked in the catalog and the build ledger, not from an error's text).
    /// </summary>
    private static void RequireFunnel(DbConnection connection)
    {
        if (BuildMetadata.PublishedBuild(connection) is null)
        {
            throw RpcErrors.FailedPrecondition("the warehouse has no published mart: run gtm build first");
        }

        if (!WarehouseReadiness.TableExists(connection, FunnelSchema, FunnelRelation))
        {
            throw RpcErrors.FailedPrecondition($"the published mart has no {FunnelSchema}.{FunnelRelation}: run gtm build first");
        }
    }

    /// <summary>At most 64 characters of a request value, for an error message.</summary>
    private static string Bounded(string value) => value.Length <= 64 ? value : value[..64] + "...";

    /// <summary>
    /// The channel as the mart spells it (matched without regard to case: "total" is "Total"); INVALID_ARGUMENT naming
    /// the channels the mart has when none matches.
    /// </summary>
    private static string Channel(DbConnection connection, string requested)
    {
        var known = new List<string>();
        using (var command = connection.Command($"select distinct channel from {FunnelSchema}.{FunnelRelation} order by channel"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                known.Add(reader.GetString(0));
            }
        }

        return known.FirstOrDefault(k => string.Equals(k, requested, StringComparison.OrdinalIgnoreCase))
            ?? throw RpcErrors.InvalidArgument("channel", $"'{Bounded(requested)}' is not a channel of the mart; allowed: {string.Join(", ", known)} (or leave it unset for every channel)");
    }

    private static void TryCancel(DbCommand command)
    {
        try
        {
            command.Cancel();
        }
        catch (Exception)
        {
            // Best effort: a provider without cancellation finishes the query and the reader loop stops.
        }
    }

    /// <summary>The request's <c>month_from</c> and <c>month_to</c>, each checked, and the range's order.</summary>
    private static (DateTime? From, DateTime? To) ParseMonthRange(string monthFrom, string monthTo, Violations violations)
    {
        var from = ParseMonth(monthFrom, "month_from", violations);
        var to = ParseMonth(monthTo, "month_to", violations);
        if (from is { } f && to is { } t && t < f)
        {
            violations.Add("month_to", "must not be before month_from");
        }

        return (from, to);
    }

    private static DateTime? ParseMonth(string text, string field, Violations violations)
    {
        // The pattern keeps the input short and plain; the parse rejects what the calendar has not (year 0000).
        if (!MonthPattern().IsMatch(text ?? "")
            || !DateTime.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
        {
            violations.Add(field, "must be a month as YYYY-MM (0001-01 to 9999-12), e.g. 2025-03");
            return null;
        }

        return month;
    }

    private static FunnelRow ReadRow(DbDataReader reader)
    {
        var row = new FunnelRow
        {
            Channel = reader.GetString(0),
            Month = reader.GetValue(1) switch
            {
                DateTime d => d.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                DateOnly d => d.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                var other => Convert.ToString(other, CultureInfo.InvariantCulture)?[..7] ?? "",
            },
            MetricIndex = Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture),
            MetricName = reader.GetString(3),
            Value = Number(reader, 4) ?? 0,
            DividedBy = Number(reader, 5) ?? 0,
        };
        row.Metric = (FunnelMetric)row.MetricIndex;
        row.MonthStart = ProtoMapping.ToTimestamp(DateTime.ParseExact(row.Month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (MoneyNumerators.Contains(row.Metric) && Cents(reader, 4) is { } valueCents)
        {
            row.ValueUsdCents = valueCents;
        }

        if (row.Metric == FunnelMetric.Roas && Cents(reader, 5) is { } divisorCents)
        {
            row.DividedByUsdCents = divisorCents;
        }

        if (Number(reader, 6) is { } metricValue)
        {
            row.MetricValue = metricValue;
        }

        if (Number(reader, 7) is { } change)
        {
            row.MomChangePct = change;
        }

        return row;
    }

    /// <summary>The metrics whose numerator is money (US dollars); only roas also has money as its denominator.</summary>
    private static readonly HashSet<FunnelMetric> MoneyNumerators =
        [FunnelMetric.AdSpend, FunnelMetric.CostPerClick, FunnelMetric.CostPerSession, FunnelMetric.Revenue, FunnelMetric.Roas];

    /// <summary>A decimal(18, 2) money column in exact cents.</summary>
    private static long? Cents(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetValue(ordinal) switch
        {
            decimal d => (long)Math.Round(d * 100, MidpointRounding.AwayFromZero),
            var other => FeatureStore.Cents(Convert.ToDouble(other, CultureInfo.InvariantCulture)),
        };

    private static double? Number(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Convert.ToDouble(reader.GetValue(ordinal), CultureInfo.InvariantCulture) is var d && double.IsFinite(d) ? d : null;

    [GeneratedRegex(@"^\d{4}-(0[1-9]|1[0-2])$")]
    private static partial Regex MonthPattern();

}
