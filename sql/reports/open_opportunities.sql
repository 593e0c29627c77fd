-- Report dataset: top open opportunities. Grain: one row per month filter value, channel filter value
-- (filter_channel: 'Total' = all channels, or one channel) and ranked opportunity, top 10 per filter:
-- opportunities still open in core.fct_opportunities and scored in mart.mrt_opportunity_scores, created
-- by the end of the month, from the channel when one is chosen. Ranked by expected_value_usd = win
-- probability x open pipeline amount (then the higher score). top_factors (JSON: direction, text), score
-- and probability come from the score table, the account tier from mart.mrt_account_scores (NULL when
-- unscored). open_ranked: how many qualified.
with opportunities as (select * from core.fct_opportunities),

accounts as (select * from core.dim_accounts),

account_scores as (select * from mart.mrt_account_scores),

opportunity_scores as (select * from mart.mrt_opportunity_scores),

dates as (select * from core.dim_dates),

months as (
    select month_start as month
    from dates
    group by month_start
),

open_opportunities as (
    select
        opportunities.opportunity_id,
        opportunities.account_id,
        accounts.account_name,
        opportunities.channel,
        opportunities.stage,
        opportunities.created_date,
        opportunities.created_month,
        opportunities.pipeline_amount_usd,
        opportunity_scores.score,
        opportunity_scores.probability,
        opportunity_scores.top_factors,
        opportunity_scores.probability * cast(opportunities.pipeline_amount_usd as double) as expected_value_usd,
        account_scores.tier
    from opportunities
    inner join opportunity_scores on opportunities.opportunity_id = opportunity_scores.opportunity_id
    left join accounts on opportunities.account_id = accounts.account_id
    left join account_scores on opportunities.account_id = account_scores.account_id
    where not opportunities.is_closed
),

per_filter as (
    select months.month, cast('Total' as varchar) as filter_channel, open_opportunities.*
    from months
    inner join open_opportunities on open_opportunities.created_month <= months.month
    union all
    select months.month, open_opportunities.channel, open_opportunities.*
    from months
    inner join open_opportunities on open_opportunities.created_month <= months.month
)

select
    per_filter.*,
    cast(count(*) over (partition by month, filter_channel) as integer) as open_ranked,
    cast(row_number() over (partition by month, filter_channel order by expected_value_usd desc nulls last, score desc nulls last, opportunity_id) as integer) as position
from per_filter
qualify row_number() over (partition by month, filter_channel order by expected_value_usd desc nulls last, score desc nulls last, opportunity_id) <= 10
order by month, filter_channel, position
