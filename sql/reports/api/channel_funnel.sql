-- gRPC query (ReportingService.GetChannelFunnel), not a dashboard dataset: the monthly funnel metrics of
-- mart.mrt_monthly_channel_metrics for a month range, every channel or one (including 'Total').
-- Parameters: $month_from and $month_to (dates, the first day of the first and last month, inclusive);
-- $channel (a channel name, or null for every channel). Rows ordered by channel, month and metric index.
select
    channel,
    month,
    metric_index,
    metric_name,
    value,
    divided_by,
    metric_value,
    mom_change_pct
from mart.mrt_monthly_channel_metrics
where
    month >= $month_from
    and month <= $month_to
    and (cast($channel as varchar) is null or channel = $channel)
order by channel, month, metric_index
