-- Report dataset: multi-touch attribution by channel and model, for each month and for the whole period
-- (period = the month's first day as text, or 'all' for every month together), from mart.mrt_channel_attribution.
-- won_share = attributed_won / the period's closed won (NULL when nothing was won); revenue_share likewise.
-- cac = spend / attributed_won and roas = attributed revenue / spend for paid channels (NULL as in the mart).
-- spread: per period and channel, the smallest and largest won_share over the six touch-based models
-- (everything but crm_source), so the page can show how much the models disagree beside the CRM source.
with attribution as (select * from mart.mrt_channel_attribution),

monthly as (
    select
        cast(month as varchar) as period,
        channel,
        model,
        model_label,
        model_sort_order,
        is_paid_media,
        attributed_opportunities,
        attributed_won,
        attributed_revenue_usd,
        month_closed_won as closed_won,
        month_closed_won_revenue_usd as closed_won_revenue_usd,
        spend_usd
    from attribution
),

whole_period as (
    select
        'all' as period,
        channel,
        model,
        model_label,
        model_sort_order,
        is_paid_media,
        sum(attributed_opportunities) as attributed_opportunities,
        sum(attributed_won) as attributed_won,
        sum(attributed_revenue_usd) as attributed_revenue_usd,
        sum(month_closed_won) as closed_won,
        sum(month_closed_won_revenue_usd) as closed_won_revenue_usd,
        sum(spend_usd) as spend_usd
    from attribution
    group by all
),

periods as (
    select * from monthly
    union all
    select * from whole_period
),

shares as (
    select
        periods.*,
        cast(attributed_won as double) / nullif(cast(closed_won as double), 0) as won_share,
        cast(attributed_revenue_usd as double) / nullif(cast(closed_won_revenue_usd as double), 0) as revenue_share
    from periods
),

spreads as (
    select
        period,
        channel,
        min(won_share) as min_touch_won_share,
        max(won_share) as max_touch_won_share
    from shares
    where model <> 'crm_source'
    group by all
)

select
    shares.period,
    shares.channel,
    shares.model,
    shares.model_label,
    shares.model_sort_order as model_order,
    shares.is_paid_media,
    cast(shares.attributed_opportunities as double) as attributed_opportunities,
    cast(shares.attributed_won as double) as attributed_won,
    cast(shares.attributed_revenue_usd as double) as attributed_revenue_usd,
    shares.closed_won,
    cast(shares.closed_won_revenue_usd as double) as closed_won_revenue_usd,
    shares.won_share,
    shares.revenue_share,
    spreads.min_touch_won_share,
    spreads.max_touch_won_share,
    cast(shares.spend_usd as double) as spend_usd,
    case when shares.is_paid_media and shares.attributed_won > 0
        then cast(shares.spend_usd as double) / nullif(cast(shares.attributed_won as double), 0) end as cac,
    case when shares.is_paid_media and shares.spend_usd > 0
        then cast(shares.attributed_revenue_usd as double) / nullif(cast(shares.spend_usd as double), 0) end as roas
from shares
left join spreads on shares.period = spreads.period and shares.channel = spreads.channel
order by shares.period, shares.channel, shares.model_sort_order
