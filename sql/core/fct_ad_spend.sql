-- Grain: one row per campaign and day of ad activity.
with ad_spend as (select * from staging.stg_ad_spend),

channels as (select * from core.dim_channels)

select
    ad_spend.date_day,
    ad_spend.campaign_id,
    cast(date_trunc('month', ad_spend.date_day) as date) as month_start,
    ad_spend.channel,
    coalesce(channels.is_paid_media, false) as is_paid_media,
    ad_spend.utm_source,
    ad_spend.utm_campaign,
    ad_spend.spend_usd,
    ad_spend.clicks,
    ad_spend.impressions
from ad_spend
left join channels on ad_spend.channel = channels.channel
