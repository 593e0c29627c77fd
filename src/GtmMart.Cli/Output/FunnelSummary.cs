using GtmMart.Warehouse.Connection;
using Spectre.Console;

namespace GtmMart.Cli.Output;

/// <summary>The funnel by month for all channels, read from <c>mart.mrt_monthly_channel_metrics</c>.</summary>
public static class FunnelSummary
{
    private const string Query =
        """
        select cast(month as date) as month,
               max(case when metric_index = 3 then metric_value end) as spend,
               max(case when metric_index = 6 then metric_value end) as sessions,
               max(case when metric_index = 7 then metric_value end) as form_submissions,
               max(case when metric_index = 10 then metric_value end) as opportunities,
               max(case when metric_index = 11 then metric_value end) as closed_won,
               max(case when metric_index = 13 then metric_value end) as revenue,
               max(case when metric_index = 14 then metric_value end) as roas,
               max(case when metric_index = 10 then mom_change_pct end) as opportunities_mom
        from mart.mrt_monthly_channel_metrics
        where channel = 'Total'
        group by month
        order by month
        """;

    public static void Print(IWarehouse warehouse)
    {
        using var connection = warehouse.Open();
        var table = new Table().Title("Funnel by month, all channels (mart.mrt_monthly_channel_metrics)")
            .AddColumns("month", "ad spend", "sessions", "form subs", "opportunities", "opps MoM", "closed won", "revenue", "ROAS");
        foreach (var c in table.Columns.Skip(1))
        {
            c.RightAligned();
        }

        using var command = connection.Command(Query);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            table.AddRow(
                reader.GetDateTime(0).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
                Money(reader, 1),
                Count(reader, 2),
                Count(reader, 3),
                Count(reader, 4),
                Percent(reader, 8),
                Count(reader, 5),
                Money(reader, 6),
                reader.IsDBNull(7) ? "-" : $"{reader.GetDouble(7):0.00}x");
        }

        AnsiConsole.Write(table);
    }

    private static string Count(System.Data.Common.DbDataReader r, int i) => r.IsDBNull(i) ? "-" : $"{Convert.ToDouble(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture):N0}";

    private static string Money(System.Data.Common.DbDataReader r, int i) => r.IsDBNull(i) ? "-" : $"${Convert.ToDouble(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture):N0}";

    private static string Percent(System.Data.Common.DbDataReader r, int i) => r.IsDBNull(i) ? "-" : $"{Convert.ToDouble(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture):+0.0%;-0.0%;0.0%}";
}
