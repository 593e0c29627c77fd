-- Report dataset: paid channel efficiency. Grain: one row per paid-media channel and month, plus
-- channel 'Total' = all paid-media channels together, from mart.mrt_monthly_channel_metrics.
-- cost_per_click = spend / clicks (metric 4); cost_per_session = paid spend / paid sessions (metric 9);
-- roas = paid closed-won revenue / spend (metric 14); click_to_session_rate = paid sessions / ad clicks;
-- cac = spend / closed-won opportunities (NULL when nothing was won; then no_wins is true).
-- is_weakest_*: the worst value of the month among paid channels with spend (highest cost per click,
-- cost per session and CAC, spend without any win counting as the highest CAC; lowest ROAS and
-- click-to-session rate), flagged only when at least two channels are compared; ties are all flagged.
with metrics as (select * from mart.mrt_monthly_channel_metrics),

channels as (select * from core.dim_channels),

paid_channel_months as (
    select
        metrics.channel,
        metrics.month,
        sum(case when metrics.metric_index = 1 then metrics.value else 0 end) as impressions,
        sum(case when metrics.metric_index = 2 then metrics.value else 0 end) as clicks,
        sum(case when metrics.metric_index = 3 then metrics.value else 0 end) as spend_usd,
        sum(case when metrics.metric_index = 9 then metrics.divided_by else 0 end) as paid_sessions,
        sum(case when metrics.metric_index = 11 then metrics.value else 0 end) as closed_won,
        sum(case when metrics.metric_index = 14 then metrics.value else 0 end) as closed_won_revenue_usd
    from metrics
    inner join channels on metrics.channel = channels.channel
    where channels.is_paid_media
    group by all
),

all_paid_months as (
    select
        'Total' as channel,
        month,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        sum(spend_usd) as spend_usd,
        sum(paid_sessions) as paid_sessions,
        sum(closed_won) as closed_won,
        sum(closed_won_revenue_usd) as closed_won_revenue_usd
    from paid_channel_months
    group by all
),

combined as (
    select * from paid_channel_months
    union all
    select * from all_paid_months
),

ratios as (
    select
        channel,
        month,
        impressions,
        clicks,
        spend_usd,
        paid_sessions,
        closed_won,
        closed_won_revenue_usd,
        cast(spend_usd as double) / nullif(cast(clicks as double), 0) as cost_per_click,
        cast(spend_usd as double) / nullif(cast(paid_sessions as double), 0) as cost_per_session,
        cast(closed_won_revenue_usd as double) / nullif(cast(spend_usd as double), 0) as roas,
        cast(paid_sessions as double) / nullif(cast(clicks as double), 0) as click_to_session_rate,
        cast(spend_usd as double) / nullif(cast(closed_won as double), 0) as cac,
        spend_usd > 0 and closed_won = 0 as no_wins,
        channel <> 'Total' and spend_usd > 0 as is_compared
    from combined
),

ranked as (
    select
        ratios.*,
        sum(case when is_compared then 1 else 0 end) over (partition by month) as channels_compared,
        rank() over (partition by month, is_compared order by case when cost_per_click is null then 1 else 0 end, cost_per_click desc nulls last) as cost_per_click_position,
        rank() over (partition by month, is_compared order by case when cost_per_session is null then 1 else 0 end, cost_per_session desc nulls last) as cost_per_session_position,
        rank() over (partition by month, is_compared order by case when roas is null then 1 else 0 end, roas) as roas_position,
        rank() over (partition by month, is_compared order by case when click_to_session_rate is null then 1 else 0 end, click_to_session_rate) as click_to_session_position,
        rank() over (partition by month, is_compared order by case when no_wins then 0 when cac is null then 2 else 1 end, cac desc nulls last) as cac_position
    from ratios
)

select
    channel,
    month,
    impressions,
    clicks,
    spend_usd,
    paid_sessions,
    closed_won,
    closed_won_revenue_usd,
    cost_per_click,
    cost_per_session,
    roas,
    click_to_session_rate,
    cac,
    no_wins,
    cast(channels_compared as integer) as channels_compared,
    is_compared and channels_compared >= 2 and cost_per_click is not null and cost_per_click_position = 1 as is_weakest_cost_per_click,
    is_compared and channels_compared >= 2 and cost_per_session is not null and cost_per_session_position = 1 as is_weakest_cost_per_session,
    is_compared and channels_compared >= 2 and roas is not null and roas_position = 1 as is_weakest_roas,
    is_compared and channels_compared >= 2 and click_to_session_rate is not null and click_to_session_position = 1 as is_weakest_click_to_session_rate,
    is_compared and channels_compared >= 2 and (no_wins or cac is not null) and cac_position = 1 as is_weakest_cac
from ranked
order by month, channel
