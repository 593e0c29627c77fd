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

-- Credits are summed per month, channel and whether the touch is a fallback row, in one pass over the touches joined to
-- their outcomes (the markov split below reads its counts from these sums too, so the joined touches are not written
-- aside), then spread over the rule-based models: decimal sums are exact, so this equals summing every touch's credit
-- under every model. For speed: revenue is 0 unless won, so the wide decimal products are computed for won touches
-- only; first and last touch credit 1 to touch 1 and to touch touch_count and 0 to the others (mrt_opportunity_touches
-- tests it), so their revenue is the sum of those touches' revenue, with no product; and a won credit's zero is a
-- decimal(18, 15) like the credit, so its sum adds 64-bit integers (a bare 0 widens the case to decimal(25, 15), 128-bit).
touch_credit_totals as (
    select
        touches.created_month as month,
        touches.channel,
        touches.is_source_fallback,
        sum(touches.credit_first_touch) as first_touch,
        sum(case when opportunities.is_won then touches.credit_first_touch else cast(0 as decimal(18, 15)) end) as first_touch_won,
        cast(sum(case when opportunities.is_won and touches.touch_index = 1 then opportunities.revenue_usd else 0 end)
            as decimal(38, 17)) as first_touch_revenue_usd,
        sum(touches.credit_last_touch) as last_touch,
        sum(case when opportunities.is_won then touches.credit_last_touch else cast(0 as decimal(18, 15)) end) as last_touch_won,
        cast(sum(case when opportunities.is_won and touches.touch_index = touches.touch_count then opportunities.revenue_usd else 0 end)
            as decimal(38, 17)) as last_touch_revenue_usd,
        sum(touches.credit_linear) as linear,
        sum(case when opportunities.is_won then touches.credit_linear else cast(0 as decimal(18, 15)) end) as linear_won,
        sum(case when opportunities.is_won then cast(touches.credit_linear as decimal(38, 15)) * opportunities.revenue_usd else 0 end)
            as linear_revenue_usd,
        sum(touches.credit_position_based) as position_based,
        sum(case when opportunities.is_won then touches.credit_position_based else cast(0 as decimal(18, 15)) end) as position_based_won,
        sum(case when opportunities.is_won then cast(touches.credit_position_based as decimal(38, 15)) * opportunities.revenue_usd else 0 end)
            as position_based_revenue_usd,
        sum(touches.credit_time_decay) as time_decay,
        sum(case when opportunities.is_won then touches.credit_time_decay else cast(0 as decimal(18, 15)) end) as time_decay_won,
        sum(case when opportunities.is_won then cast(touches.credit_time_decay as decimal(38, 15)) * opportunities.revenue_usd else 0 end)
            as time_decay_revenue_usd
    from touches
    inner join opportunities on touches.opportunity_id = opportunities.opportunity_id
    group by all
),

channel_credit_totals as (
    select
        month,
        channel,
        sum(first_touch) as first_touch,
        sum(first_touch_won) as first_touch_won,
        sum(first_touch_revenue_usd) as first_touch_revenue_usd,
        sum(last_touch) as last_touch,
        sum(last_touch_won) as last_touch_won,
        sum(last_touch_revenue_usd) as last_touch_revenue_usd,
        sum(linear) as linear,
        sum(linear_won) as linear_won,
        sum(linear_revenue_usd) as linear_revenue_usd,
        sum(position_based) as position_based,
        sum(position_based_won) as position_based_won,
        sum(position_based_revenue_usd) as position_based_revenue_usd,
        sum(time_decay) as time_decay,
        sum(time_decay_won) as time_decay_won,
        sum(time_decay_revenue_usd) as time_decay_revenue_usd
    from touch_credit_totals
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
        channel_credit_totals.month,
        channel_credit_totals.channel,
        models.model,
        case models.model
            when 'first_touch' then channel_credit_totals.first_touch
            when 'last_touch' then channel_credit_totals.last_touch
            when 'linear' then channel_credit_totals.linear
            when 'position_based' then channel_credit_totals.position_based
            when 'time_decay' then channel_credit_totals.time_decay
        end as attributed_opportunities,
        case models.model
            when 'first_touch' then channel_credit_totals.first_touch_won
            when 'last_touch' then channel_credit_totals.last_touch_won
            when 'linear' then channel_credit_totals.linear_won
            when 'position_based' then channel_credit_totals.position_based_won
            when 'time_decay' then channel_credit_totals.time_decay_won
        end as attributed_won,
        case models.model
            when 'first_touch' then channel_credit_totals.first_touch_revenue_usd
            when 'last_touch' then channel_credit_totals.last_touch_revenue_usd
            when 'linear' then channel_credit_totals.linear_revenue_usd
            when 'position_based' then channel_credit_totals.position_based_revenue_usd
            when 'time_decay' then channel_credit_totals.time_decay_revenue_usd
        end as attributed_revenue_usd
    from channel_credit_totals
    cross join models
    where models.is_rule_based and models.model <> 'crm_source'
),

-- Each won opportunity has one touch 1, whose first-touch credit is 1: the month's won opportunities with a touched
-- path and their revenue, from the first-touch sums.
touched_won as (
    select
        month,
        cast(sum(first_touch_won) as bigint) as won,
        cast(sum(first_touch_revenue_usd) as decimal(18, 2)) as revenue_usd
    from touch_credit_totals
    where not is_source_fallback and first_touch_won > 0
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
        -- A won opportunity without a touch, in full to its CRM source channel (its one row's first-touch credit is 1).
        select month, channel, first_touch_won as won, first_touch_revenue_usd as revenue_usd
        from touch_credit_totals
        where is_source_fallback and first_touch_won > 0
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
