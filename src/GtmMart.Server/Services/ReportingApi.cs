using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Core;
using GtmMart.Contracts.V1;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Server.Services;

/// <summary>
/// gtm.v1.ReportingService. The channel funnel is the one rpc that reads the warehouse: its query is
/// <c>sql/reports/api/channel_funnel.sql</c>, with the request's values as parameters, on a short-lived connection.
/// Priority accounts come from the in-memory features and the served models (<see cref="PriorityRanking"/>), ranked
/// once per serving snapshot (<see cref="ServingSnapshot.PriorityAccounts"/>), so a reload or refresh ranks again.
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
        var from = ParseMonth(request.MonthFrom, "month_from", violations);
        var to = ParseMonth(request.MonthTo, "month_to", violations);
        if (from is { } f && to is { } t && t < f)
        {
            violations.Add("month_to", "must not be before month_from");
        }

        if (request.HasChannel && (string.IsNullOrWhiteSpace(request.Channel) || request.Channel.Length > 128))
        {
            violations.Add("channel", "must be a channel name (1-128 characters) or left unset");
        }

        violations.ThrowIfAny();

        var response = new GetChannelFunnelResponse();
        try
        {
            using var connection = serving.State.Warehouse.Open();
            RequireFunnel(connection);
            using var command = connection.Command(
                ReportingQueries.ChannelFunnel,
                ("month_from", from!.Value), ("month_to", to!.Value), ("channel", request.HasChannel ? request.Channel : null));
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
        if (request.Limit is < 0 or > MaxPriorityLimit)
        {
            throw RpcErrors.InvalidArgument("limit", $"must be 0-{MaxPriorityLimit} (0 means {DefaultPriorityLimit})");
        }

        var snapshot = serving.Snapshot();
        _ = (snapshot.Opportunity, snapshot.Icp); // FAILED_PRECONDITION, saying which, when a side has no scorer
        var response = new GetPriorityAccountsResponse();
        response.Accounts.AddRange(snapshot.PriorityAccounts.Take(request.Limit == 0 ? DefaultPriorityLimit : request.Limit).Select(a => a.Clone()));
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

    private static double? Number(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Convert.ToDouble(reader.GetValue(ordinal), CultureInfo.InvariantCulture) is var d && double.IsFinite(d) ? d : null;

    [GeneratedRegex(@"^\d{4}-(0[1-9]|1[0-2])$")]
    private static partial Regex MonthPattern();
}
