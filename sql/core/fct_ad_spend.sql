-- Grain: one row per campaign and day of ad activity. channel: the exported channel name mapped by
-- seeds.channel_names (case-insensitive); 'Other' when the seed does not name it.
with ad_spend as (select * from staging.stg_ad_spend),

channel_names as (select * from seeds.channel_names),

channels as (select * from core.dim_channels),

mapped as (
    select
        ad_spend.*,
        coalesce(channel_names.channel, 'Other') as channel
    from ad_spend
    left join channel_names on lower(ad_spend.channel_name) = channel_names.channel_name
)

select
    mapped.date_day,
    mapped.campaign_id,
    cast(date_trunc('month', mapped.date_day) as date) as month_start,
    cast(mapped.channel as varchar) as channel,
    coalesce(channels.is_paid_media, false) as is_paid_media,
    mapped.utm_source,
    mapped.utm_campaign,
    mapped.spend_usd,
    mapped.clicks,
    mapped.impressions
from mapped
left join channels on mapped.channel = channels.channel
