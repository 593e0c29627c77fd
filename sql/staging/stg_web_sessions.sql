-- Grain: one row per web session (raw.web_analytics).
-- utm_source: lower-cased, NULL/blank => '' (direct traffic); channel resolved from it.
with web_analytics as (select * from raw.web_analytics),

renamed as (
    select
        trim(session_id) as session_id,
        nullif(trim(user_id), '') as user_id,
        session_date as date_day,
        trim(coalesce(landing_page, '')) as landing_page,
        lower(trim(coalesce(utm_source, ''))) as utm_source,
        lower(trim(coalesce(utm_campaign, ''))) as utm_campaign,
        cast(coalesce(pageviews, 0) as bigint) as pageviews,
        cast(coalesce(conversions, 0) as bigint) as conversions,
        _file as source_file,
        _line as source_line
    from web_analytics
)

select
    session_id,
    user_id,
    date_day,
    landing_page,
    utm_source,
    utm_campaign,
    -- keep in sync with dim_channels (utm_source column)
    case utm_source
        when 'google' then 'Google Ads'
        when 'linkedin' then 'LinkedIn'
        when 'facebook' then 'Meta'
        when 'twitter' then 'Twitter'
        when 'organic' then 'Organic'
        when '' then 'Direct'
        when 'partner' then 'Partner'
        else 'Other'
    end as channel,
    pageviews,
    conversions,
    source_file,
    source_line
from renamed
