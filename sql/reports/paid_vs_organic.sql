-- Report dataset: paid media against organic + direct. Grain: one row per channel filter value
-- (filter_channel: 'Total' = all channels, or one channel), comparison series and month.
-- Series: with 'Total', 'Paid media' and 'Organic + Direct' (core.dim_channels.channel_group); with one
-- channel, that channel on its own (is_selected_channel) plus each of the two groups it does not belong
-- to, as the benchmark. Counts and revenue sum mrt_monthly_channel_metrics (metrics 3, 6, 7, 10, 11, 13);
-- rates: site_conversion_rate = form submissions / sessions, form_to_opportunity_rate = opportunities /
-- form submissions, win_rate = closed won / opportunities, roas = closed-won revenue / ad spend.
with metrics as (select * from mart.mrt_monthly_channel_metrics),

channels as (select * from core.dim_channels),

channel_months as (
    select
        metrics.channel,
        metrics.month,
        sum(case when metrics.metric_index = 3 then metrics.value else 0 end) as spend_usd,
        sum(case when metrics.metric_index = 6 then metrics.value else 0 end) as sessions,
        sum(case when metrics.metric_index = 7 then metrics.value else 0 end) as form_submissions,
        sum(case when metrics.metric_index = 10 then metrics.value else 0 end) as opportunities,
        sum(case when metrics.metric_index = 11 then metrics.value else 0 end) as closed_won,
        sum(case when metrics.metric_index = 13 then metrics.value else 0 end) as closed_won_revenue_usd
    from metrics
    where metrics.channel <> 'Total'
    group by all
),

filters as (
    select cast('Total' as varchar) as filter_channel, cast(null as varchar) as filter_group
    union all
    select channel, channel_group from channels
),

series_members as (
    select
        filters.filter_channel,
        filters.filter_channel as series,
        0 as series_order,
        true as is_selected_channel,
        filters.filter_channel as member_channel
    from filters
    where filters.filter_channel <> 'Total'
    union all
    select
        filters.filter_channel,
        channels.channel_group,
        case when channels.channel_group = 'Paid media' then 1 else 2 end,
        false,
        channels.channel
    from filters
    cross join channels
    where channels.channel_group in ('Paid media', 'Organic + Direct')
        and (filters.filter_group is null or channels.channel_group <> filters.filter_group)
),

series_months as (
    select
        series_members.filter_channel,
        series_members.series,
        series_members.series_order,
        series_members.is_selected_channel,
        channel_months.month,
        sum(channel_months.spend_usd) as spend_usd,
        sum(channel_months.sessions) as sessions,
        sum(channel_months.form_submissions) as form_submissions,
        sum(channel_months.opportunities) as opportunities,
        sum(channel_months.closed_won) as closed_won,
        sum(channel_months.closed_won_revenue_usd) as closed_won_revenue_usd
    from series_members
    inner join channel_months on series_members.member_channel = channel_months.channel
    group by all
)

select
    filter_channel,
    cast(series as varchar) as series,
    cast(series_order as integer) as series_order,
    is_selected_channel,
    month,
    spend_usd,
    sessions,
    form_submissions,
    opportunities,
    closed_won,
    closed_won_revenue_usd,
    cast(form_submissions as double) / nullif(cast(sessions as double), 0) as site_conversion_rate,
    cast(opportunities as double) / nullif(cast(form_submissions as double), 0) as form_to_opportunity_rate,
    cast(closed_won as double) / nullif(cast(opportunities as double), 0) as win_rate,
    cast(closed_won_revenue_usd as double) / nullif(cast(spend_usd as double), 0) as roas
from series_months
order by filter_channel, series_order, month
