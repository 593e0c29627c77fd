-- Grain: one row per marketing channel, from seeds.channels (the known channels plus 'Other', which catches any
-- UTM source or channel name no seed maps, so relationships tests always hold).
-- utm_source: the UTM source a channel's traffic carries (the first in seeds.utm_sources; '' = direct, NULL when
-- none maps to it). channel_group: 'Paid media', 'Organic + Direct', 'Other sources'; the report compares paid
-- media with organic + direct.
with channels as (select * from seeds.channels),

utm_sources as (select * from seeds.utm_sources),

first_utm_source as (
    select channel, min(utm_source) as utm_source
    from utm_sources
    group by all
)

select
    cast(channels.channel as varchar) as channel,
    cast(first_utm_source.utm_source as varchar) as utm_source,
    channels.is_paid_media,
    cast(channels.channel_group as varchar) as channel_group,
    cast(channels.sort_order as integer) as sort_order
from channels
left join first_utm_source on channels.channel = first_utm_source.channel
