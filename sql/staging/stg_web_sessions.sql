-- Grain: one row per web session (raw.web_analytics).
-- utm_source: lower-cased, NULL/blank => '' (direct traffic); core maps it to a channel (seeds.utm_sources).
with web_analytics as (select * from raw.web_analytics)

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
