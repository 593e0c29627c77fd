-- Report dataset: the whole period's totals per channel and 'Total' (every month in the mart together), beside the
-- single month the page shows: site visits, form submissions, opportunities, closed won, closed-won revenue and ad
-- spend, with the first and last month they cover. From mart.mrt_monthly_channel_metrics (sum metrics only).
with metrics as (select * from mart.mrt_monthly_channel_metrics)

select
    channel,
    cast(min(month) as varchar) as first_month,
    cast(max(month) as varchar) as last_month,
    count(distinct month) as months,
    sum(case when metric_index = 6 then value else 0 end) as sessions,
    sum(case when metric_index = 7 then value else 0 end) as form_submissions,
    sum(case when metric_index = 10 then value else 0 end) as opportunities,
    sum(case when metric_index = 11 then value else 0 end) as closed_won,
    sum(case when metric_index = 13 then value else 0 end) as closed_won_revenue_usd,
    sum(case when metric_index = 3 then value else 0 end) as spend_usd
from metrics
group by all
order by channel
