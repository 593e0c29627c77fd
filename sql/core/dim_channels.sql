-- Grain: one row per marketing channel. Static list of the known channels plus 'Other',
-- which catches any unexpected utm_source / channel name so relationships tests always hold.
-- utm_source: the UTM source a channel's traffic carries ('' = direct, 'partner' for Partner links,
-- NULL for Other). Keep in sync with the channel case expressions in staging.
with channels as (
    select 'Google Ads' as channel, 'google' as utm_source, true as is_paid_media, 1 as sort_order
    union all select 'LinkedIn', 'linkedin', true, 2
    union all select 'Meta', 'facebook', true, 3
    union all select 'Twitter', 'twitter', true, 4
    union all select 'Organic', 'organic', false, 5
    union all select 'Direct', '', false, 6
    union all select 'Partner', 'partner', false, 7
    union all select 'Other', cast(null as varchar), false, 8
)

select
    cast(channel as varchar) as channel,
    cast(utm_source as varchar) as utm_source,
    is_paid_media,
    cast(sort_order as integer) as sort_order
from channels
