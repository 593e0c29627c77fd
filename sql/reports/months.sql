-- Report dataset: the month filter. Grain: one row per month in core.dim_dates.
-- days_in_data: days of the month the data covers; is_complete: the data covers every day of the month;
-- is_default: the latest complete month (the latest month when no month is complete).
with dates as (select * from core.dim_dates),

months as (
    select
        month_start as month,
        min(date_day) as first_day,
        max(date_day) as last_day,
        count(*) as days_in_data
    from dates
    group by all
),

sized as (
    select
        month,
        first_day,
        last_day,
        cast(days_in_data as integer) as days_in_data,
        cast(cast(date_trunc('month', month + 31) as date) - month as integer) as days_in_month
    from months
)

select
    month,
    first_day,
    last_day,
    days_in_data,
    days_in_month,
    days_in_data = days_in_month as is_complete,
    row_number() over (order by case when days_in_data = days_in_month then 0 else 1 end, month desc nulls last) = 1 as is_default
from sized
order by month
