-- Report dataset: the channel filter. Grain: one row per channel in core.dim_channels that has any
-- activity (impressions, spend, sessions or opportunities) in mart.mrt_channel_funnel.
-- channel_group (from dim_channels): 'Paid media', 'Organic + Direct' or 'Other sources'.
with channels as (select * from core.dim_channels),

funnel as (select * from mart.mrt_channel_funnel),

activity as (
    select
        channel,
        sum(impressions) as impressions,
        sum(spend_usd) as spend_usd,
        sum(sessions) as sessions,
        sum(opportunities) as opportunities
    from funnel
    group by all
)

select
    channels.channel,
    channels.is_paid_media,
    channels.channel_group,
    channels.sort_order,
    activity.sessions > 0 as has_sessions,
    activity.spend_usd > 0 as has_spend
from channels
inner join activity on channels.channel = activity.channel
where activity.impressions > 0 or activity.spend_usd > 0 or activity.sessions > 0 or activity.opportunities > 0
order by channels.sort_order
