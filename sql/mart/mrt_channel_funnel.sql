-- Grain: one row per day and channel, for every day in dim_dates and every channel in
-- dim_channels (zeros where nothing happened). Opportunities, closed won, revenue and pipeline
-- are counted on the opportunity's created_date (cohort view, as in the seed figures).
-- *_7d_avg / *_30d_avg: trailing moving averages per channel over the last 7 / 30 days.
with dates as (select * from core.dim_dates),

channels as (select * from core.dim_channels),

ad_spend as (select * from core.fct_ad_spend),

web_sessions as (select * from core.fct_web_sessions),

opportunities as (select * from core.fct_opportunities),

spend_daily as (
    select
        date_day,
        channel,
        sum(spend_usd) as spend_usd,
        sum(impressions) as impressions,
        sum(clicks) as clicks
    from ad_spend
    group by all
),

sessions_daily as (
    select
        date_day,
        channel,
        count(*) as sessions,
        sum(case when is_form_submission then 1 else 0 end) as form_submissions
    from web_sessions
    group by all
),

opportunities_daily as (
    select
        created_date as date_day,
        channel,
        count(*) as opportunities,
        sum(case when is_won then 1 else 0 end) as closed_won,
        sum(revenue_usd) as closed_won_revenue_usd,
        sum(pipeline_amount_usd) as pipeline_amount_usd
    from opportunities
    group by all
),

daily as (
    select
        dates.date_day,
        dates.month_start,
        channels.channel,
        channels.is_paid_media,
        cast(coalesce(spend_daily.spend_usd, 0) as decimal(18, 2)) as spend_usd,
        cast(coalesce(spend_daily.impressions, 0) as bigint) as impressions,
        cast(coalesce(spend_daily.clicks, 0) as bigint) as clicks,
        cast(coalesce(sessions_daily.sessions, 0) as bigint) as sessions,
        cast(coalesce(sessions_daily.form_submissions, 0) as bigint) as form_submissions,
        cast(coalesce(opportunities_daily.opportunities, 0) as bigint) as opportunities,
        cast(coalesce(opportunities_daily.closed_won, 0) as bigint) as closed_won,
        cast(coalesce(opportunities_daily.closed_won_revenue_usd, 0) as decimal(18, 2)) as closed_won_revenue_usd,
        cast(coalesce(opportunities_daily.pipeline_amount_usd, 0) as decimal(18, 2)) as pipeline_amount_usd
    from dates
    cross join channels
    left join spend_daily
        on dates.date_day = spend_daily.date_day and channels.channel = spend_daily.channel
    left join sessions_daily
        on dates.date_day = sessions_daily.date_day and channels.channel = sessions_daily.channel
    left join opportunities_daily
        on dates.date_day = opportunities_daily.date_day and channels.channel = opportunities_daily.channel
)

select
    daily.*,
    cast(avg(sessions) over (partition by channel order by date_day rows between 6 preceding and current row) as double) as sessions_7d_avg,
    cast(avg(sessions) over (partition by channel order by date_day rows between 29 preceding and current row) as double) as sessions_30d_avg,
    cast(avg(form_submissions) over (partition by channel order by date_day rows between 6 preceding and current row) as double) as form_submissions_7d_avg,
    cast(avg(form_submissions) over (partition by channel order by date_day rows between 29 preceding and current row) as double) as form_submissions_30d_avg,
    cast(avg(opportunities) over (partition by channel order by date_day rows between 6 preceding and current row) as double) as opportunities_7d_avg,
    cast(avg(opportunities) over (partition by channel order by date_day rows between 29 preceding and current row) as double) as opportunities_30d_avg,
    cast(avg(spend_usd) over (partition by channel order by date_day rows between 6 preceding and current row) as double) as spend_usd_7d_avg,
    cast(avg(spend_usd) over (partition by channel order by date_day rows between 29 preceding and current row) as double) as spend_usd_30d_avg,
    cast(avg(clicks) over (partition by channel order by date_day rows between 6 preceding and current row) as double) as clicks_7d_avg,
    cast(avg(clicks) over (partition by channel order by date_day rows between 29 preceding and current row) as double) as clicks_30d_avg
from daily
