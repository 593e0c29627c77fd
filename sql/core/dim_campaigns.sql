-- Grain: one row per ad campaign (campaign_id) seen in ad spend.
-- UTM tags and channel come from the campaign's latest day of activity.
with ad_spend as (select * from core.fct_ad_spend),

campaign_activity as (
    select
        campaign_id,
        min(date_day) as first_active_date,
        max(date_day) as last_active_date,
        count(distinct date_day) as active_days,
        cast(sum(spend_usd) as decimal(18, 2)) as total_spend_usd,
        cast(sum(clicks) as bigint) as total_clicks,
        cast(sum(impressions) as bigint) as total_impressions
    from ad_spend
    group by all
),

latest_tags as (
    select campaign_id, channel, utm_source, utm_campaign
    from ad_spend
    qualify row_number() over (partition by campaign_id order by date_day desc nulls last) = 1
)

select
    campaign_activity.campaign_id,
    latest_tags.channel,
    latest_tags.utm_source,
    latest_tags.utm_campaign,
    campaign_activity.first_active_date,
    campaign_activity.last_active_date,
    cast(campaign_activity.active_days as bigint) as active_days,
    campaign_activity.total_spend_usd,
    campaign_activity.total_clicks,
    campaign_activity.total_impressions
from campaign_activity
inner join latest_tags on campaign_activity.campaign_id = latest_tags.campaign_id
