-- Grain: one row per channel, month and metric (long format), for every channel in dim_channels
-- plus 'Total' (all channels), every month in dim_dates and the 14 funnel metrics below.
-- value / divided_by: totals ('sum') have divided_by = 1; ratios ('ratio') carry numerator and
-- denominator. metric_value = value / divided_by (NULL when divided_by = 0); rates are fractions
-- (ad click rate% = 0.05 means 5%, no x100). mom_change_pct is a fraction of prev_metric_value.
-- Stages: 1 Ad (metrics 1-5), 2 Site (6-9), 3 Pipeline (10-12), 4 Revenue (13-14).
-- cost per session = paid-media spend / paid-media sessions; roas = paid-media closed-won revenue /
-- ad spend. Opportunity metrics follow the created-date cohort of mrt_channel_funnel.
with funnel as (select * from mart.mrt_channel_funnel),

channel_months as (
    select
        channel,
        month_start,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        sum(spend_usd) as spend_usd,
        sum(case when is_paid_media then spend_usd else 0 end) as paid_spend_usd,
        sum(sessions) as sessions,
        sum(case when is_paid_media then sessions else 0 end) as paid_sessions,
        sum(form_submissions) as form_submissions,
        sum(opportunities) as opportunities,
        sum(closed_won) as closed_won,
        sum(closed_won_revenue_usd) as closed_won_revenue_usd,
        sum(case when is_paid_media then closed_won_revenue_usd else 0 end) as paid_closed_won_revenue_usd
    from funnel
    group by all
),

total_months as (
    select
        'Total' as channel,
        month_start,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        sum(spend_usd) as spend_usd,
        sum(paid_spend_usd) as paid_spend_usd,
        sum(sessions) as sessions,
        sum(paid_sessions) as paid_sessions,
        sum(form_submissions) as form_submissions,
        sum(opportunities) as opportunities,
        sum(closed_won) as closed_won,
        sum(closed_won_revenue_usd) as closed_won_revenue_usd,
        sum(paid_closed_won_revenue_usd) as paid_closed_won_revenue_usd
    from channel_months
    group by all
),

months as (
    select * from channel_months
    union all
    select * from total_months
),

metrics as (
    select 1 as metric_index, 1 as stage, 'Ad' as stage_name, 'total impression' as metric_name, 'sum' as aggregation_method
    union all select 2, 1, 'Ad', 'total clicks', 'sum'
    union all select 3, 1, 'Ad', 'total ad spend', 'sum'
    union all select 4, 1, 'Ad', 'cost per click', 'ratio'
    union all select 5, 1, 'Ad', 'ad click rate%', 'ratio'
    union all select 6, 2, 'Site', 'total sessions', 'sum'
    union all select 7, 2, 'Site', 'total form submissions', 'sum'
    union all select 8, 2, 'Site', 'site conversion rate', 'ratio'
    union all select 9, 2, 'Site', 'cost per session', 'ratio'
    union all select 10, 3, 'Pipeline', 'total opportunities', 'sum'
    union all select 11, 3, 'Pipeline', 'total closed won opportunities', 'sum'
    union all select 12, 3, 'Pipeline', 'close won rate', 'ratio'
    union all select 13, 4, 'Revenue', 'total revenue', 'sum'
    union all select 14, 4, 'Revenue', 'roas', 'ratio'
),

long_format as (
    select
        months.channel,
        months.month_start as month,
        cast(metrics.stage as integer) as stage,
        cast(metrics.stage_name as varchar) as stage_name,
        cast(metrics.metric_index as integer) as metric_index,
        cast(metrics.metric_name as varchar) as metric_name,
        cast(metrics.aggregation_method as varchar) as aggregation_method,
        cast(case metrics.metric_index
            when 1 then months.impressions
            when 2 then months.clicks
            when 3 then months.spend_usd
            when 4 then months.spend_usd
            when 5 then months.clicks
            when 6 then months.sessions
            when 7 then months.form_submissions
            when 8 then months.form_submissions
            when 9 then months.paid_spend_usd
            when 10 then months.opportunities
            when 11 then months.closed_won
            when 12 then months.closed_won
            when 13 then months.closed_won_revenue_usd
            when 14 then months.paid_closed_won_revenue_usd
        end as decimal(18, 2)) as value,
        cast(case metrics.metric_index
            when 4 then months.clicks
            when 5 then months.impressions
            when 8 then months.sessions
            when 9 then months.paid_sessions
            when 12 then months.opportunities
            when 14 then months.spend_usd
            else 1
        end as decimal(18, 2)) as divided_by
    from months
    cross join metrics
),

with_metric_value as (
    select
        long_format.*,
        cast(value as double) / nullif(cast(divided_by as double), 0) as metric_value
    from long_format
),

with_previous as (
    select
        with_metric_value.*,
        lag(metric_value) over (partition by channel, metric_index order by month) as prev_metric_value
    from with_metric_value
)

select
    with_previous.*,
    metric_value - prev_metric_value as mom_change,
    (metric_value - prev_metric_value) / nullif(prev_metric_value, 0) as mom_change_pct
from with_previous
