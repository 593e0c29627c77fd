-- Report dataset: top priority accounts. Grain: one row per month filter value, channel filter value
-- (filter_channel: 'Total' = all channels, or one channel) and ranked account, top 10 per filter.
-- An account qualifies with an open opportunity (still open in core.fct_opportunities, scored in
-- mart.mrt_opportunity_scores) created by the end of the month, from the channel when one is chosen.
-- This query gives every qualifying account's inputs per filter: open pipeline, the best win probability among
-- those opportunities, and fit, tier, segment and top_factors (JSON: direction, text) from mart.mrt_account_scores.
-- The report then adds priority_score with the one priority formula (GtmMart.Serving.AccountPriority: fit_score /
-- 100 x open pipeline x best win probability, the ranking of the gRPC priority-accounts call), keeps the top 10 per
-- filter by it (ties by account_id) with their position, and accounts_ranked: how many accounts qualified.
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
        opportunities.channel,
        opportunities.created_month,
        opportunities.pipeline_amount_usd,
        opportunity_scores.score,
        opportunity_scores.probability
    from opportunities
    inner join opportunity_scores on opportunities.opportunity_id = opportunity_scores.opportunity_id
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
),

best_opportunity as (
    select month, filter_channel, account_id, opportunity_id, score, probability
    from per_filter
    qualify row_number() over (partition by month, filter_channel, account_id order by probability desc nulls last, opportunity_id) = 1
),

per_account as (
    select
        month,
        filter_channel,
        account_id,
        count(*) as open_opportunities,
        sum(pipeline_amount_usd) as open_pipeline_usd
    from per_filter
    group by all
),

scored as (
    select
        per_account.month,
        per_account.filter_channel,
        per_account.account_id,
        accounts.account_name,
        accounts.industry,
        per_account.open_opportunities,
        per_account.open_pipeline_usd,
        best_opportunity.opportunity_id as best_opportunity_id,
        best_opportunity.score as best_opportunity_score,
        best_opportunity.probability as best_win_probability,
        account_scores.fit_score,
        account_scores.tier,
        account_scores.segment,
        account_scores.behaviour_score,
        account_scores.top_factors
    from per_account
    inner join best_opportunity
        on per_account.month = best_opportunity.month
        and per_account.filter_channel = best_opportunity.filter_channel
        and per_account.account_id = best_opportunity.account_id
    inner join account_scores on per_account.account_id = account_scores.account_id
    left join accounts on per_account.account_id = accounts.account_id
)

select scored.*
from scored
order by month, filter_channel, account_id
