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

-- Each session of a known account numbered in the account's order (date, then session id). An opportunity's touches
-- are all its account's sessions of a run of days, so their numbers run without a gap, and a touch's index is its
-- number less the opportunity's first, plus 1. Numbering the sessions (one row each, 1M at 1M sessions) sorts far
-- fewer rows than numbering the touches (2.4M), and the first number and the count come with the weight totals.
-- Numbers are relative, so they hold however far back the sessions read go (an incremental or batched build reads a
-- window of days: every session of a touch's run is in it). Only the accounts of the opportunities read are numbered:
-- in a full refresh that is nearly every account, but an incremental build reads the lookback's sessions of every
-- account and rebuilds the opportunities of a few days, whose accounts are few.
ranked_sessions as (
    select
        session_id,
        date_day,
        account_id,
        channel,
        row_number() over (partition by account_id order by date_day, session_id) as session_rank
    from web_sessions
    where account_id in (select opportunities.account_id from opportunities)
),

-- Every session of the account in the window, or one row with no session (the source fallback) when there is none:
-- one left join gives both, so the sessions are read once and no list of touched opportunities is built.
all_touches as (
    select
        opportunities.opportunity_id,
        opportunities.account_id,
        opportunities.created_date,
        ranked_sessions.session_id,
        ranked_sessions.date_day as session_date,
        cast(opportunities.created_date - ranked_sessions.date_day as integer) as days_before_created,
        case when ranked_sessions.date_day is null then opportunities.channel else ranked_sessions.channel end as channel,
        ranked_sessions.date_day is null as is_source_fallback,
        ranked_sessions.session_rank
    from opportunities
    cross join window_settings
    left join ranked_sessions
        on ranked_sessions.account_id = opportunities.account_id
        and ranked_sessions.date_day <= opportunities.created_date
        and ranked_sessions.date_day > opportunities.created_date - window_settings.touch_window_days
),

-- The time-decay weight depends only on the days before the created date (0 for a fallback row), so it is computed
-- once per distinct day count, as the exact decimal and as the double the credits divide: converting a decimal(38, 30)
-- to double costs about a microsecond, too much for every touch. The touches are written aside once (they are read
-- four times below) and the weights, a table of at most touch_window_days rows, joined to them where needed, so no
-- second copy of the touches with their weights is written aside.
decay_days as (
    select distinct coalesce(days_before_created, 0) as days_before_created
    from all_touches
),

decay_weights as (
    select
        days_before_created,
        time_decay_weight,
        cast(time_decay_weight as double) as time_decay_weight_double
    from (
        select
            days_before_created,
            cast(power(cast(2 as double), -cast(days_before_created as double) / nullif(window_settings.half_life_days, 0))
                as decimal(38, 30)) as time_decay_weight
        from decay_days
        cross join window_settings
    ) as exact_weights
),

-- Per opportunity: its touch count, its first session's number (ranked_sessions) and its total weight, summed exactly
-- and converted to double once. An opportunity with one touch needs no conversion: its total is that touch's weight,
-- whose double decay_weights holds (38 % of the opportunities at 1M; the conversion is the costliest step per row).
weight_totals as (
    select
        all_touches.opportunity_id,
        case when count(*) > 1 then cast(sum(decay_weights.time_decay_weight) as double) end as total_time_decay_weight_double,
        min(all_touches.session_rank) as first_session_rank,
        cast(count(*) as integer) as touch_count
    from all_touches
    inner join decay_weights on coalesce(all_touches.days_before_created, 0) = decay_weights.days_before_created
    group by all_touches.opportunity_id
),

-- Time-decay credits are rounded per touch: the opportunity's rounding remainder, 1 less their sum, goes to its last
-- touch. Summed from the narrow touches joined to the totals, not from the credited touches, which would then be written
-- aside whole; one touch takes no remainder (its credit is its weight over itself, 1).
time_decay_remainders as (
    select
        all_touches.opportunity_id,
        1 - sum(cast(decay_weights.time_decay_weight_double / nullif(weight_totals.total_time_decay_weight_double, 0) as decimal(18, 15)))
            as time_decay_remainder
    from all_touches
    inner join decay_weights on coalesce(all_touches.days_before_created, 0) = decay_weights.days_before_created
    inner join weight_totals on all_touches.opportunity_id = weight_totals.opportunity_id
    where weight_totals.touch_count > 1
    group by all_touches.opportunity_id
),

-- The rule-based credits that depend only on the touch count, once per count (a few hundred): linear, position-based
-- at either end and in the middle, and the last touch's, which takes the opportunity's rounding remainder.
count_credits as (
    select
        touch_count,
        linear,
        cast(linear + (1 - touch_count * linear) as decimal(18, 15)) as linear_last,
        position_based_end,
        position_based_middle,
        -- The position-based credits sum to this (the same rounded values), 1 less the last touch's remainder.
        cast(position_based_end + (1 - case
            when touch_count <= 2 then touch_count * position_based_end
            else 2 * position_based_end + (touch_count - 2) * position_based_middle
        end) as decimal(18, 15)) as position_based_last
    from (
        select
            touch_count,
            cast(cast(1 as double) / nullif(touch_count, 0) as decimal(18, 15)) as linear,
            cast(
                case
                    when touch_count = 1 then cast(1 as double)
                    when touch_count = 2 then cast(0.5 as double)
                    else cast(0.4 as double)
                end as decimal(18, 15)) as position_based_end,
            cast(cast(0.2 as double) / nullif(touch_count - 2, 0) as decimal(18, 15)) as position_based_middle
        from (select distinct touch_count from weight_totals) as counts
    ) as count_credit_values
),

-- Everything the touches of an opportunity take from it, one row per opportunity, joined to the touches once.
opportunity_credits as (
    select
        weight_totals.*,
        coalesce(time_decay_remainders.time_decay_remainder, 0) as time_decay_remainder,
        count_credits.linear,
        count_credits.linear_last,
        count_credits.position_based_end,
        count_credits.position_based_middle,
        count_credits.position_based_last
    from weight_totals
    left join time_decay_remainders on weight_totals.opportunity_id = time_decay_remainders.opportunity_id
    inner join count_credits on weight_totals.touch_count = count_credits.touch_count
),

-- Each touch with its opportunity's credits. Its time-decay credit is its weight over the opportunity's total, and for a
-- one-touch opportunity over its own weight's double, the value its total (that one weight) converts to.
credited as (
    select
        all_touches.*,
        decay_weights.time_decay_weight,
        cast(coalesce(all_touches.session_rank - opportunity_credits.first_session_rank, 0) + 1 as integer) as touch_index,
        opportunity_credits.touch_count,
        opportunity_credits.time_decay_remainder,
        opportunity_credits.linear,
        opportunity_credits.linear_last,
        opportunity_credits.position_based_end,
        opportunity_credits.position_based_middle,
        opportunity_credits.position_based_last,
        cast(decay_weights.time_decay_weight_double / nullif(case
            when opportunity_credits.touch_count = 1 then decay_weights.time_decay_weight_double
            else opportunity_credits.total_time_decay_weight_double
        end, 0) as decimal(18, 15)) as time_decay,
        case when coalesce(all_touches.session_rank - opportunity_credits.first_session_rank, 0) + 1 = opportunity_credits.touch_count then 1 else 0 end as is_last
    from all_touches
    inner join decay_weights on coalesce(all_touches.days_before_created, 0) = decay_weights.days_before_created
    inner join opportunity_credits on all_touches.opportunity_id = opportunity_credits.opportunity_id
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
    cast(case when touch_index = 1 then 1 else 0 end as decimal(18, 15)) as credit_first_touch,
    cast(is_last as decimal(18, 15)) as credit_last_touch,
    case when is_last = 1 then linear_last else linear end as credit_linear,
    case
        when is_last = 1 then position_based_last
        when touch_index = 1 then position_based_end
        else position_based_middle
    end as credit_position_based,
    case when is_last = 1 then cast(time_decay + time_decay_remainder as decimal(18, 15)) else time_decay end as credit_time_decay,
    time_decay_weight
from credited
