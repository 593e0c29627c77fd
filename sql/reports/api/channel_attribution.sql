-- gRPC query (ReportingService.GetChannelAttribution), not a dashboard dataset: mart.mrt_channel_attribution for a
-- month range, every attribution model or one. Parameters: $month_from and $month_to (dates, the first day of the
-- first and last month, inclusive); $model (a model name, or null for every model). Rows ordered by month, then the
-- channels' and the models' report order.
with attribution as (select * from mart.mrt_channel_attribution),

channels as (select * from core.dim_channels)

select
    attribution.month,
    attribution.channel,
    attribution.model,
    attribution.is_paid_media,
    attribution.attributed_opportunities,
    attribution.attributed_won,
    attribution.attributed_revenue_usd,
    attribution.month_opportunities,
    attribution.month_closed_won,
    attribution.month_closed_won_revenue_usd,
    attribution.spend_usd,
    attribution.cac_usd,
    attribution.roas
from attribution
inner join channels on attribution.channel = channels.channel
where
    attribution.month >= $month_from
    and attribution.month <= $month_to
    and (cast($model as varchar) is null or attribution.model = $model)
order by attribution.month, channels.sort_order, attribution.model_sort_order
