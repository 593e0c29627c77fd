using System.Data.Common;
using System.Globalization;
using System.Reflection;
using Grpc.Core;
using GtmMart.Contracts.V1;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Server.Services;

/// <summary>
/// gtm.v1.ReportingService.GetChannelAttribution: <c>mart.mrt_channel_attribution</c> for a month range and one model
/// or all, through the query file <c>sql/reports/api/channel_attribution.sql</c> (built in) with the request's values
/// as parameters, on a short-lived connection. Money leaves as exact cents.
/// </summary>
public sealed partial class ReportingApi
{
    /// <summary>The models <c>seeds.attribution_models</c> may name (its accepted_values test holds the same list).</summary>
    public static readonly IReadOnlyList<string> AttributionModels = ["crm_source", "first_touch", "last_touch", "linear", "position_based", "time_decay", "markov"];

    private static readonly Lazy<string> AttributionQuery = new(() => BuiltInQuery("channel_attribution.sql"));

    public override Task<GetChannelAttributionResponse> GetChannelAttribution(GetChannelAttributionRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var violations = new Violations();
        var (from, to) = ParseMonthRange(request.MonthFrom, request.MonthTo, violations);

        if (request.HasModel && !AttributionModels.Contains(request.Model, StringComparer.Ordinal))
        {
            violations.Add("model", $"must be one of {string.Join(", ", AttributionModels)}, or left unset for every model");
        }

        violations.ThrowIfAny();

        var response = new GetChannelAttributionResponse();
        try
        {
            using var connection = serving.State.Warehouse.Open();
            using var command = connection.Command(
                AttributionQuery.Value,
                ("month_from", from!.Value), ("month_to", to!.Value), ("model", request.HasModel ? request.Model : null));
            using var registration = context.CancellationToken.Register(() => TryCancel(command));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                response.Rows.Add(ReadAttributionRow(reader));
            }
        }
        catch (DbException ex) when (ex.Message.Contains("does not exist", StringComparison.OrdinalIgnoreCase))
        {
            throw RpcErrors.FailedPrecondition("the warehouse has no published mart.mrt_channel_attribution: run gtm build first");
        }
        catch (WarehouseException ex)
        {
            throw RpcErrors.Unavailable("the warehouse cannot be read now: " + ex.Message.Split('\n')[0]);
        }

        return Task.FromResult(response);
    }

    /// <summary>A US-dollar amount as exact cents, rounded half away from zero.</summary>
    internal static long Cents(decimal usd) => (long)Math.Round(usd * 100m, MidpointRounding.AwayFromZero);

    private static ChannelAttributionRow ReadAttributionRow(DbDataReader reader)
    {
        var row = new ChannelAttributionRow
        {
            Month = reader.GetValue(0) switch
            {
                DateTime d => d.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                DateOnly d => d.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                var other => Convert.ToString(other, CultureInfo.InvariantCulture)?[..7] ?? "",
            },
            Channel = reader.GetString(1),
            Model = reader.GetString(2),
            IsPaidMedia = Convert.ToBoolean(reader.GetValue(3), CultureInfo.InvariantCulture),
            AttributedWon = Number(reader, 5) ?? 0,
            AttributedRevenueUsdCents = Cents(Money(reader, 6) ?? 0),
            MonthOpportunities = Convert.ToInt64(reader.GetValue(7), CultureInfo.InvariantCulture),
            MonthClosedWon = Convert.ToInt64(reader.GetValue(8), CultureInfo.InvariantCulture),
            MonthClosedWonRevenueUsdCents = Cents(Money(reader, 9) ?? 0),
        };
        if (Number(reader, 4) is { } opportunities)
        {
            row.AttributedOpportunities = opportunities;
        }

        if (Money(reader, 10) is { } spend)
        {
            row.SpendUsdCents = Cents(spend);
        }

        if (Number(reader, 11) is { } cac)
        {
            row.CacUsdCents = (long)Math.Round(cac * 100, MidpointRounding.AwayFromZero);
        }

        if (Number(reader, 12) is { } roas)
        {
            row.Roas = roas;
        }

        return row;
    }

    private static decimal? Money(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Convert.ToDecimal(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private static string BuiltInQuery(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"GtmMart.Server.reports.{file}")
            ?? throw new InvalidOperationException($"the built-in query sql/reports/api/{file} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Trim().TrimEnd(';');
    }
}
