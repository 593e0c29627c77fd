-- Grain: one row per marketing channel. Static list of the known channels plus 'Other',
-- which catches any unexpected utm_source / channel name so relationships tests always hold.
-- utm_source: the UTM source a channel's traffic carries ('' = direct, 'partner' for Partner links,
-- NULL for Other). Keep in sync with the channel case expressions in staging.
-- channel_group: 'Paid media' (the paid channels), 'Organic + Direct', 'Other sources' (Partner, Other);
-- the report compares paid media with organic + direct.
with channels as (
    select 'Google Ads' as channel, 'google' as utm_source, true as is_paid_media, 'Paid media' as channel_group, 1 as sort_order
    union all select 'LinkedIn', 'linkedin', true, 'Paid media', 2
    union all select 'Meta', 'facebook', true, 'Paid media', 3
    union all select 'Twitter', 'twitter', true, 'Paid media', 4
    union all select 'Organic', 'organic', false, 'Organic + Direct', 5
    union all select 'Direct', '', false, 'Organic + Direct', 6
    union all select 'Partner', 'partner', false, 'Other sources', 7
    union all select 'Other', cast(null as varchar), false, 'Other sources', 8
)

select
    cast(channel as varchar) as channel,
    cast(utm_source as varchar) as utm_source,
    is_paid_media,
    cast(channel_group as varchar) as channel_group,
    cast(sort_order as integer) as sort_order
from channels
