-- Grain: one row per opportunity and touch. A touch is a web session of the opportunity's account (the sessions of
-- its known contacts: core.fct_web_sessions.account_id, via crm_contacts) dated from touch_window_days - 1 days
-- before the created date up to and including it (seeds.attribution_settings; default 90 days). Touches are ordered
-- by session date, then session id (text order): touch_index 1..touch_count.
-- An opportunity with no touch gets one row standing in for it: no session, its own CRM source channel
-- (core.fct_opportunities.channel), touch_index = touch_count = 1 and is_source_fallback = true, so every model
-- credits it in full to that channel.
-- Credits, one column per rule-based model, sum to exactly 1 per opportunity:
--   first_touch / last_touch: 1 to the first / last touch; linear: 1 / touch_count each;
--   position_based: one touch 1, two touches 0.5 each, three or more 0.4 first, 0.4 last, 0.2 shared by the middle;
--   time_decay: weight 2^(-days_before_created / time_decay_half_life_days), normalized per opportunity.
-- Credits are decimal(18, 15): computed in double per row, rounded, and the rounding remainder of the opportunity
-- added to its last touch. Sums over decimals are exact, so totals do not depend on the order an engine adds rows in.
with opportunities as (select * from core.fct_opportunities),

web_sessions as (select * from core.fct_web_sessions),

settings as (select * from seeds.attribution_settings),

window_settings as (
    select
        max(case when setting = 'touch_window_days' then value end) as touch_window_days,
        max(case when setting = 'time_decay_half_life_days' then value end) as half_life_days
    from settings
),

-- Every session of the account in the window, or one row with no session (the source fallback) when there is none:
-- one left join gives both, so the sessions are read once and no list of touched opportunities is built.
all_touches as (
    select
        opportunities.opportunity_id,
        opportunities.account_id,
        opportunities.created_date,
        web_sessions.session_id,
        web_sessions.date_day as session_date,
        cast(opportunities.created_date - web_sessions.date_day as integer) as days_before_created,
        case when web_sessions.date_day is null then opportunities.channel else web_sessions.channel end as channel,
        web_sessions.date_day is null as is_source_fallback
    from opportunities
    cross join window_settings
    left join web_sessions
        on web_sessions.account_id = opportunities.account_id
        and web_sessions.date_day <= opportunities.created_date
        and web_sessions.date_day > opportunities.created_date - window_settings.touch_window_days
),

-- The time-decay weight depends only on the days before the created date (0 for a fallback row), so it is computed
-- once per distinct day count, as the exact decimal and as the double the credits divide: converting a decimal(38, 30)
-- to double costs microseconds, too much for every touch.
decay_days as (
    select distinct coalesce(days_before_created, 0) as days_before_created
    from all_touches
),

decay_weights as (
    select
        days_before_created,
        cast(power(cast(2 as double), -cast(days_before_created as double) / nullif(window_settings.half_life_days, 0))
            as decimal(38, 30)) as time_decay_weight
    from decay_days
    cross join window_settings
),

decay_weights_double as (
    select
        days_before_created,
        time_decay_weight,
        cast(time_decay_weight as double) as time_decay_weight_double
    from decay_weights
),

-- Touches are numbered before the weights are joined: the window sorts the narrow rows, not the wide decimals.
indexed as (
    select
        all_touches.*,
        cast(row_number() over (partition by opportunity_id order by session_date, session_id) as integer) as touch_index,
        cast(count(*) over (partition by opportunity_id) as integer) as touch_count
    from all_touches
),

weighted as (
    select
        indexed.*,
        decay_weights_double.time_decay_weight,
        decay_weights_double.time_decay_weight_double
    from indexed
    inner join decay_weights_double
        on coalesce(indexed.days_before_created, 0) = decay_weights_double.days_before_created
),

-- Each opportunity's total weight: summed exactly, converted to double once per opportunity.
weight_totals as (
    select
        opportunity_id,
        cast(sum(time_decay_weight) as double) as total_time_decay_weight_double
    from weighted
    group by opportunity_id
),

ordered as (
    select
        weighted.*,
        weight_totals.total_time_decay_weight_double
    from weighted
    inner join weight_totals on weighted.opportunity_id = weight_totals.opportunity_id
),

credited as (
    select
        ordered.*,
        cast(case when touch_index = 1 then 1 else 0 end as decimal(18, 15)) as first_touch,
        cast(case when touch_index = touch_count then 1 else 0 end as decimal(18, 15)) as last_touch,
        cast(cast(1 as double) / nullif(touch_count, 0) as decimal(18, 15)) as linear,
        cast(
            case
                when touch_count = 1 then cast(1 as double)
                when touch_count = 2 then cast(0.5 as double)
                when touch_index = 1 or touch_index = touch_count then cast(0.4 as double)
                else cast(0.2 as double) / nullif(touch_count - 2, 0)
            end as decimal(18, 15)) as position_based,
        -- The sum of the opportunity's position-based credits, from its touch count (the same rounded values).
        case
            when touch_count = 1 then cast(cast(1 as double) as decimal(18, 15))
            when touch_count = 2 then 2 * cast(cast(0.5 as double) as decimal(18, 15))
            else 2 * cast(cast(0.4 as double) as decimal(18, 15))
                + (touch_count - 2) * cast(cast(0.2 as double) / nullif(touch_count - 2, 0) as decimal(18, 15))
        end as position_based_total,
        cast(time_decay_weight_double / nullif(total_time_decay_weight_double, 0) as decimal(18, 15)) as time_decay
    from ordered
),

time_decay_totals as (
    select
        opportunity_id,
        1 - sum(time_decay) as time_decay_remainder
    from credited
    group by opportunity_id
),

-- Rounding remainders go to the last touch: linear and position-based from the touch count, time decay summed.
remainders as (
    select
        credited.*,
        case when credited.touch_index = credited.touch_count then 1 else 0 end as is_last,
        1 - credited.touch_count * credited.linear as linear_remainder,
        1 - credited.position_based_total as position_based_remainder,
        time_decay_totals.time_decay_remainder
    from credited
    inner join time_decay_totals on credited.opportunity_id = time_decay_totals.opportunity_id
)

select
    opportunity_id,
    account_id,
    created_date,
    cast(date_trunc('month', created_date) as date) as created_month,
    touch_index,
    touch_count,
    session_id,
    session_date,
    days_before_created,
    cast(channel as varchar) as channel,
    is_source_fallback,
    first_touch as credit_first_touch,
    last_touch as credit_last_touch,
    cast(linear + is_last * linear_remainder as decimal(18, 15)) as credit_linear,
    cast(position_based + is_last * position_based_remainder as decimal(18, 15)) as credit_position_based,
    cast(time_decay + is_last * time_decay_remainder as decimal(18, 15)) as credit_time_decay,
    time_decay_weight
from remainders
