-- Grain: one row per day from the earliest to the latest date seen in ad spend, web sessions and
-- opportunities (created and close dates). Account created dates are excluded on purpose: they can
-- lie years before any funnel activity.
-- The spine is portable: a recursive CTE makes the digits 0-9 (only 10 iterations, well under
-- Snowflake's MAX_RECURSIONS default of 100), cross-joined into offsets 0..9999 (27 years),
-- added to the first date with `date + integer` (valid on DuckDB and Snowflake).
with recursive ad_spend as (select * from staging.stg_ad_spend),

web_sessions as (select * from staging.stg_web_sessions),

opportunities as (select * from staging.stg_opportunities),

source_dates as (
    select date_day from ad_spend
    union all select date_day from web_sessions
    union all select created_date from opportunities
    union all select close_date from opportunities where close_date is not null
),

bounds as (
    select min(date_day) as first_date, max(date_day) as last_date
    from source_dates
),

digits (n) as (
    select cast(0 as integer)
    union all
    select cast(n + 1 as integer) from digits where n < 9
),

offsets as (
    select cast(ones.n + tens.n * 10 + hundreds.n * 100 + thousands.n * 1000 as integer) as day_offset
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands
),

spine as (
    select cast(bounds.first_date + offsets.day_offset as date) as date_day
    from bounds
    cross join offsets
    where offsets.day_offset <= bounds.last_date - bounds.first_date
),

-- 1900-01-01 was a Monday: ISO day of week without DAYOFWEEK/WEEK_START differences.
with_day_of_week as (
    select
        date_day,
        cast(mod(date_day - cast('1900-01-01' as date), 7) + 1 as integer) as day_of_week
    from spine
)

select
    date_day,
    cast(year(date_day) * 10000 + month(date_day) * 100 + dayofmonth(date_day) as integer) as date_key,
    cast(date_trunc('month', date_day) as date) as month_start,
    cast(date_trunc('quarter', date_day) as date) as quarter_start,
    cast(date_trunc('year', date_day) as date) as year_start,
    cast(date_day - (day_of_week - 1) as date) as week_start,
    cast(year(date_day) as integer) as year,
    cast(quarter(date_day) as integer) as quarter,
    cast(month(date_day) as integer) as month,
    cast(dayofmonth(date_day) as integer) as day_of_month,
    day_of_week,
    day_of_week in (6, 7) as is_weekend
from with_day_of_week
