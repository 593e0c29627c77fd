-- Grain: one row per month (first day of the opportunity's created month; every month of core.dim_dates), channel
-- (core.dim_channels) and attribution model (seeds.attribution_models), zeros where nothing was credited.
-- Rule-based models sum their credits from mart.mrt_opportunity_touches: attributed_opportunities = sum of credits,
-- attributed_won = sum of credits of Closed Won opportunities, attributed_revenue_usd = sum of credit x closed-won
-- amount. crm_source (the reference) credits each opportunity in full to its CRM source channel.
-- markov: the month's touched Closed Won opportunities and their revenue split by the channels' shares of removal
-- effect (mart.mrt_markov_removal_effects); attributed_opportunities is NULL (the chain attributes conversions only).
-- Opportunities without a touch are credited in full to their CRM source under every model, markov included.
-- Credits are exact decimals, so per month and model: attributed_opportunities add up to month_opportunities
-- (rule-based), attributed_won to month_closed_won and attributed_revenue_usd to month_closed_won_revenue_usd.
-- Efficiency for paid channels (NULL for others): spend_usd (core.fct_ad_spend that month), cac_usd = spend /
-- attributed_won (NULL when nothing won), roas = attributed_revenue_usd / spend (NULL without spend).
with opportunities as (select * from core.fct_opportunities),

touches as (select * from mart.mrt_opportunity_touches),

markov_effects as (select * from mart.mrt_markov_removal_effects),

models as (select * from seeds.attribution_models),

channels as (select * from core.dim_channels),

dates as (select * from core.dim_dates),

ad_spend as (select * from core.fct_ad_spend),

months as (
    select distinct month_start as month
    from dates
),

month_totals as (
    select
        created_month as month,
        count(*) as month_opportunities,
        sum(case when is_won then 1 else 0 end) as month_closed_won,
        sum(revenue_usd) as month_closed_won_revenue_usd
    from opportunities
    group by all
),

spend as (
    select
        month_start as month,
        channel,
        sum(spend_usd) as spend_usd
    from ad_spend
    group by all
),

-- Only the columns the totals read: the touches are read three times below, so this is written once as it is.
touch_outcomes as (
    select
        touches.created_month,
        touches.channel,
        touches.touch_index,
        touches.is_source_fallback,
        touches.credit_first_touch,
        touches.credit_last_touch,
        touches.credit_linear,
        touches.credit_position_based,
        touches.credit_time_decay,
        opportunities.is_won,
        opportunities.revenue_usd
    from touches
    inner join opportunities on touches.opportunity_id = opportunities.opportunity_id
),

-- Credits are summed per month and channel first (one pass over the touches), then spread over the rule-based models:
-- decimal sums are exact, so this equals summing every touch's credit under every model. Revenue is 0 unless won, so
-- the wide decimal products are computed for won touches only.
touch_credit_totals as (
    select
        created_month as month,
        channel,
        sum(credit_first_touch) as first_touch,
        sum(case when is_won then credit_first_touch else 0 end) as first_touch_won,
        sum(case when is_won then cast(credit_first_touch as decimal(38, 15)) * revenue_usd else 0 end) as first_touch_revenue_usd,
        sum(credit_last_touch) as last_touch,
        sum(case when is_won then credit_last_touch else 0 end) as last_touch_won,
        sum(case when is_won then cast(credit_last_touch as decimal(38, 15)) * revenue_usd else 0 end) as last_touch_revenue_usd,
        sum(credit_linear) as linear,
        sum(case when is_won then credit_linear else 0 end) as linear_won,
        sum(case when is_won then cast(credit_linear as decimal(38, 15)) * revenue_usd else 0 end) as linear_revenue_usd,
        sum(credit_position_based) as position_based,
        sum(case when is_won then credit_position_based else 0 end) as position_based_won,
        sum(case when is_won then cast(credit_position_based as decimal(38, 15)) * revenue_usd else 0 end) as position_based_revenue_usd,
        sum(credit_time_decay) as time_decay,
        sum(case when is_won then credit_time_decay else 0 end) as time_decay_won,
        sum(case when is_won then cast(credit_time_decay as decimal(38, 15)) * revenue_usd else 0 end) as time_decay_revenue_usd
    from touch_outcomes
    group by all
),

rule_based_totals as (
    select
        created_month as month,
        channel,
        'crm_source' as model,
        sum(cast(1 as decimal(18, 15))) as attributed_opportunities,
        sum(case when is_won then cast(1 as decimal(18, 15)) else 0 end) as attributed_won,
        sum(cast(1 as decimal(38, 15)) * revenue_usd) as attributed_revenue_usd
    from opportunities
    group by all

    union all

    select
        touch_credit_totals.month,
        touch_credit_totals.channel,
        models.model,
        case models.model
            when 'first_touch' then touch_credit_totals.first_touch
            when 'last_touch' then touch_credit_totals.last_touch
            when 'linear' then touch_credit_totals.linear
            when 'position_based' then touch_credit_totals.position_based
            when 'time_decay' then touch_credit_totals.time_decay
        end as attributed_opportunities,
        case models.model
            when 'first_touch' then touch_credit_totals.first_touch_won
            when 'last_touch' then touch_credit_totals.last_touch_won
            when 'linear' then touch_credit_totals.linear_won
            when 'position_based' then touch_credit_totals.position_based_won
            when 'time_decay' then touch_credit_totals.time_decay_won
        end as attributed_won,
        case models.model
            when 'first_touch' then touch_credit_totals.first_touch_revenue_usd
            when 'last_touch' then touch_credit_totals.last_touch_revenue_usd
            when 'linear' then touch_credit_totals.linear_revenue_usd
            when 'position_based' then touch_credit_totals.position_based_revenue_usd
            when 'time_decay' then touch_credit_totals.time_decay_revenue_usd
        end as attributed_revenue_usd
    from touch_credit_totals
    cross join models
    where models.is_rule_based and models.model <> 'crm_source'
),

touched_won as (
    select
        created_month as month,
        count(*) as won,
        cast(sum(revenue_usd) as decimal(18, 2)) as revenue_usd
    from touch_outcomes
    where is_won and not is_source_fallback and touch_index = 1
    group by all
),

markov_totals as (
    select
        month,
        channel,
        'markov' as model,
        cast(null as decimal(38, 15)) as attributed_opportunities,
        sum(won) as attributed_won,
        sum(revenue_usd) as attributed_revenue_usd
    from (
        select markov_effects.month, markov_effects.channel, cast(markov_effects.share as decimal(38, 15)) * touched_won.won as won,
            cast(markov_effects.share as decimal(38, 15)) * touched_won.revenue_usd as revenue_usd
        from markov_effects
        inner join touched_won on markov_effects.month = touched_won.month
        union all
        select created_month as month, channel, cast(1 as decimal(18, 15)) as won, revenue_usd
        from touch_outcomes
        where is_won and is_source_fallback
    ) as credits
    group by all
),

attributed as (
    select * from rule_based_totals
    union all
    select * from markov_totals
)

select
    months.month,
    channels.channel,
    models.model,
    cast(models.label as varchar) as model_label,
    models.sort_order as model_sort_order,
    channels.is_paid_media,
    case when models.is_rule_based then cast(coalesce(attributed.attributed_opportunities, 0) as decimal(38, 15)) end
        as attributed_opportunities,
    cast(coalesce(attributed.attributed_won, 0) as decimal(38, 15)) as attributed_won,
    cast(coalesce(attributed.attributed_revenue_usd, 0) as decimal(38, 17)) as attributed_revenue_usd,
    cast(coalesce(month_totals.month_opportunities, 0) as bigint) as month_opportunities,
    cast(coalesce(month_totals.month_closed_won, 0) as bigint) as month_closed_won,
    cast(coalesce(month_totals.month_closed_won_revenue_usd, 0) as decimal(18, 2)) as month_closed_won_revenue_usd,
    case when channels.is_paid_media then cast(coalesce(spend.spend_usd, 0) as decimal(18, 2)) end as spend_usd,
    case
        when channels.is_paid_media and attributed.attributed_won > 0
            then cast(coalesce(spend.spend_usd, 0) as double) / nullif(cast(attributed.attributed_won as double), 0)
    end as cac_usd,
    case
        when channels.is_paid_media and spend.spend_usd > 0
            then cast(coalesce(attributed.attributed_revenue_usd, 0) as double) / nullif(cast(spend.spend_usd as double), 0)
    end as roas
from months
cross join channels
cross join models
left join attributed
    on months.month = attributed.month
    and channels.channel = attributed.channel
    and models.model = attributed.model
left join month_totals on months.month = month_totals.month
left join spend on months.month = spend.month and channels.channel = spend.channel
