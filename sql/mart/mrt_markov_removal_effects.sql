-- Computed model (computed_by: markov_removal_effects in _models.yml): this query is the step's input; the build
-- solves the chains in C# (GtmMart.Warehouse/Attribution) and writes the table whose columns _models.yml describes.
-- Input: per created month, the transition counts of a first-order Markov chain over the touch paths of the month's
-- closed opportunities (open ones are excluded; fallback rows without a session are no path: those opportunities are
-- credited to their CRM source). A path runs (start) > channel of touch 1 > ... > channel of the last touch, then
-- (conversion) when Closed Won, else (null).
with touches as (select * from mart.mrt_opportunity_touches),

opportunities as (select * from core.fct_opportunities),

paths as (
    select
        touches.opportunity_id,
        touches.created_month,
        touches.touch_index,
        touches.touch_count,
        touches.channel,
        opportunities.is_won
    from touches
    inner join opportunities on touches.opportunity_id = opportunities.opportunity_id
    where opportunities.is_closed and not touches.is_source_fallback
),

transitions as (
    select created_month, '(start)' as from_state, channel as to_state
    from paths
    where touch_index = 1

    union all

    select paths.created_month, paths.channel as from_state, next_touch.channel as to_state
    from paths
    inner join paths as next_touch
        on paths.opportunity_id = next_touch.opportunity_id
        and next_touch.touch_index = paths.touch_index + 1

    union all

    select created_month, channel as from_state, case when is_won then '(conversion)' else '(null)' end as to_state
    from paths
    where touch_index = touch_count
)

select
    created_month as month,
    cast(from_state as varchar) as from_state,
    cast(to_state as varchar) as to_state,
    cast(count(*) as bigint) as transitions
from transitions
group by all
order by month, from_state, to_state
