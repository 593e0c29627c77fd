-- Grain: one row per campaign and day of ad activity (raw.ad_spend).
-- channel_name is the platform's channel name as exported; core maps it to a channel (seeds.channel_names).
with ad_spend as (select * from raw.ad_spend)

select
    ad_spend.date as date_day,
    trim(ad_spend.campaign_id) as campaign_id,
    trim(coalesce(ad_spend.channel, '')) as channel_name,
    lower(trim(coalesce(ad_spend.utm_source, ''))) as utm_source,
    lower(trim(coalesce(ad_spend.utm_campaign, ''))) as utm_campaign,
    cast(ad_spend.spend_usd as decimal(18, 2)) as spend_usd,
    cast(coalesce(ad_spend.clicks, 0) as bigint) as clicks,
    cast(coalesce(ad_spend.impressions, 0) as bigint) as impressions,
    ad_spend._file as source_file,
    ad_spend._line as source_line
from ad_spend
