-- Report dataset: opportunities still open per created month and channel, plus channel 'Total' (every channel), from
-- core.fct_opportunities. A month whose deals are still open has not finished closing: its closed-won count can still
-- rise, so the page marks a month-over-month drop in closed won as incomplete while this is above 0.
with opportunities as (select * from core.fct_opportunities),

open_deals as (
    select created_month as month, channel, count(*) as still_open
    from opportunities
    where not is_closed
    group by all
)

select cast(month as varchar) as month, channel, still_open
from open_deals

union all

select cast(month as varchar) as month, 'Total' as channel, sum(still_open) as still_open
from open_deals
group by month
