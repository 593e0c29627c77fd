-- Grain: one row per campaign and day of ad activity (raw.ad_spend).
-- Channel names are canonicalized (case-insensitive); unknown names become 'Other'.
with ad_spend as (select * from raw.ad_spend),

renamed as (
    select
        ad_spend.date as date_day,
        trim(ad_spend.campaign_id) as campaign_id,
        trim(ad_spend.channel) as channel_name,
        lower(trim(coalesce(ad_spend.utm_source, ''))) as utm_source,
        lower(trim(coalesce(ad_spend.utm_campaign, ''))) as utm_campaign,
        cast(ad_spend.spend_usd as decimal(18, 2)) as spend_usd,
        cast(coalesce(ad_spend.clicks, 0) as bigint) as clicks,
        cast(coalesce(ad_spend.impressions, 0) as bigint) as impressions,
        ad_spend._file as source_file,
        ad_spend._line as source_line
    from ad_spend
)

select
    date_day,
    campaign_id,
    case lower(channel_name)
        when 'google ads' then 'Google Ads'
        when 'linkedin' then 'LinkedIn'
        when 'meta' then 'Meta'
        when 'twitter' then 'Twitter'
        when 'organic' then 'Organic'
        when 'direct' then 'Direct'
        when 'partner' then 'Partner'
        else 'Other'
    end as channel,
    utm_source,
    utm_campaign,
    spend_usd,
    clicks,
    impressions,
    source_file,
    source_line
from renamed
