using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Core;
using GtmMart.Contracts.V1;
using GtmMart.Serving;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Server.Services;

/// <summary>
/// gtm.v1.ReportingService. The channel funnel is the one rpc that reads the warehouse (a parameterised query on a
/// short-lived connection); priority accounts come from the in-memory features and the served models, ranked once per
/// (models, features) pair and cached until either is swapped.
/// </summary>
public sealed partial class ReportingApi(ServingAccess serving) : ReportingService.ReportingServiceBase
{
    public const int DefaultPriorityLimit = 20;
    public const int MaxPriorityLimit = 1000;

    private static readonly Lock RankingLock = new();
    private static Ranking? ranking;

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

        var warehouse = serving.State.Warehouse;
        var p = warehouse.Dialect;
        var sql =
            "select channel, month, metric_index, metric_name, value, divided_by, metric_value, mom_change_pct " +
            "from mart.mrt_monthly_channel_metrics " +
            $"where month >= {p.Parameter("month_from")} and month <= {p.Parameter("month_to")}" +
            (request.HasChannel ? $" and channel = {p.Parameter("channel")}" : "") +
            " order by channel, month, metric_index";
        var parameters = new List<(string, object?)> { ("month_from", from!.Value), ("month_to", to!.Value) };
        if (request.HasChannel)
        {
            parameters.Add(("channel", request.Channel));
        }

        var response = new GetChannelFunnelResponse();
        try
        {
            using var connection = warehouse.Open();
            using var command = connection.Command(sql, [.. parameters]);
            using var registration = context.CancellationToken.Register(() => TryCancel(command));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                response.Rows.Add(ReadRow(reader));
            }
        }
        catch (DbException ex) when (ex.Message.Contains("does not exist", StringComparison.OrdinalIgnoreCase))
        {
            throw RpcErrors.FailedPrecondition("the warehouse has no published mart.mrt_monthly_channel_metrics: run gtm build first");
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
        var ranked = Rank(snapshot.Models, snapshot.Features);
        var response = new GetPriorityAccountsResponse();
        response.Accounts.AddRange(ranked.Take(request.Limit == 0 ? DefaultPriorityLimit : request.Limit).Select(a => a.Clone()));
        return Task.FromResult(response);
    }

    /// <summary>Accounts with open pipeline, by fit_score / 100 × open pipeline × best open-opportunity win probability.</summary>
    internal static IReadOnlyList<PriorityAccount> Rank(ModelSet models, FeatureStore features)
    {
        lock (RankingLock)
        {
            if (ranking is { } cached && ReferenceEquals(cached.Models, models) && ReferenceEquals(cached.Features, features))
            {
                return cached.Accounts;
            }

            var open = features.OpenOpportunities;
            var probabilities = models.Opportunity.PredictProbabilities(open);
            var best = new Dictionary<string, (string Id, double Probability)>(StringComparer.Ordinal);
            for (var i = 0; i < open.Count; i++)
            {
                var p = probabilities[i];
                if (float.IsFinite(p) && (!best.TryGetValue(open[i].AccountId, out var seen) || p > seen.Probability))
                {
                    best[open[i].AccountId] = (open[i].OpportunityId, p);
                }
            }

            var candidates = features.Accounts.Where(a => best.ContainsKey(a.AccountId)).ToList();
            var scores = models.Icp.ScoreBatch(candidates);
            var accounts = candidates.Zip(scores, (row, score) =>
                {
                    var (opportunityId, probability) = best[row.AccountId];
                    var pipeline = float.IsFinite(row.OpenPipelineUsd) ? row.OpenPipelineUsd : 0;
                    return new PriorityAccount
                    {
                        AccountId = row.AccountId,
                        AccountName = row.AccountName,
                        FitScore = score.FitScore,
                        Tier = score.Tier.ToString(),
                        OpenPipelineUsd = pipeline,
                        BestWinProbability = probability,
                        BestOpportunityId = opportunityId,
                        Priority = score.FitScore / 100.0 * pipeline * probability,
                    };
                })
                .OrderByDescending(a => a.Priority)
                .ThenBy(a => a.AccountId, StringComparer.Ordinal)
                .ToList();
            ranking = new Ranking(models, features, accounts);
            return accounts;
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
        if (!MonthPattern().IsMatch(text ?? ""))
        {
            violations.Add(field, "must be a month as YYYY-MM, e.g. 2025-03");
            return null;
        }

        return DateTime.ParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
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

    private sealed record Ranking(ModelSet Models, FeatureStore Features, IReadOnlyList<PriorityAccount> Accounts);
}
