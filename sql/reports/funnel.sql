-- Report dataset: funnel overview and month-over-month table. Grain: one row per channel (every
-- channel plus 'Total' = all channels), month and funnel step:
-- 1 site visits (sessions), 2 form submissions, 3 opportunities, 4 closed won (created-date cohort).
-- Counts, previous month and MoM change come from mart.mrt_monthly_channel_metrics (metrics 6, 7, 10, 11).
-- step_conversion = step_count / the previous step's count (NULL for step 1 and when that count is 0);
-- it can exceed 1 where opportunities are not sourced from the website (Partner).
-- prev_step_conversion / step_conversion_change: the same channel and step in the previous month
-- (change in fractions, e.g. 0.012 = +1.2 percentage points).
with metrics as (select * from mart.mrt_monthly_channel_metrics),

steps as (
    select 1 as step_index, 'Site visits' as step_name, 6 as metric_index
    union all select 2, 'Form submissions', 7
    union all select 3, 'Opportunities', 10
    union all select 4, 'Closed won', 11
),

step_counts as (
    select
        metrics.channel,
        metrics.month,
        cast(steps.step_index as integer) as step_index,
        cast(steps.step_name as varchar) as step_name,
        metrics.metric_value as step_count,
        metrics.prev_metric_value as prev_step_count,
        metrics.mom_change as mom_change,
        metrics.mom_change_pct as mom_change_pct
    from metrics
    inner join steps on metrics.metric_index = steps.metric_index
),

with_conversion as (
    select
        step_counts.*,
        lag(step_count) over (partition by channel, month order by step_index) as previous_step_count,
        step_count / nullif(lag(step_count) over (partition by channel, month order by step_index), 0) as step_conversion,
        step_count / nullif(max(case when step_index = 1 then step_count end) over (partition by channel, month), 0) as conversion_from_visits
    from step_counts
),

with_previous_month as (
    select
        with_conversion.*,
        lag(step_conversion) over (partition by channel, step_index order by month) as prev_step_conversion
    from with_conversion
)

select
    channel,
    month,
    step_index,
    step_name,
    step_count,
    prev_step_count,
    mom_change,
    mom_change_pct,
    previous_step_count,
    step_conversion,
    prev_step_conversion,
    step_conversion - prev_step_conversion as step_conversion_change,
    conversion_from_visits
from with_previous_month
order by channel, month, step_index
