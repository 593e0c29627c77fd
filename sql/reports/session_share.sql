-- Report dataset: session share by channel. Grain: one row per channel with any session in the data
-- and month. share = the channel's sessions / all sessions of the month (metric 6 of
-- mrt_monthly_channel_metrics, channel vs 'Total'); share_change = share - the previous month's share
-- (a fraction: 0.012 = +1.2 percentage points).
with metrics as (select * from mart.mrt_monthly_channel_metrics),

sessions as (
    select channel, month, value as sessions
    from metrics
    where metric_index = 6
),

totals as (
    select month, sessions as total_sessions
    from sessions
    where channel = 'Total'
),

channels_with_sessions as (
    select channel
    from sessions
    where channel <> 'Total'
    group by channel
    having sum(sessions) > 0
),

shares as (
    select
        sessions.channel,
        sessions.month,
        sessions.sessions,
        totals.total_sessions,
        cast(sessions.sessions as double) / nullif(cast(totals.total_sessions as double), 0) as share
    from sessions
    inner join channels_with_sessions on sessions.channel = channels_with_sessions.channel
    inner join totals on sessions.month = totals.month
)

select
    shares.*,
    lag(share) over (partition by channel order by month) as prev_share,
    share - lag(share) over (partition by channel order by month) as share_change
from shares
order by month, channel
