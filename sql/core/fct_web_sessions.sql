-- Grain: one row per web session. account_id comes from crm_contacts (via user_id) when known.
with web_sessions as (select * from staging.stg_web_sessions),

contacts as (select * from staging.stg_contacts),

channels as (select * from core.dim_channels)

select
    web_sessions.session_id,
    web_sessions.date_day,
    cast(date_trunc('month', web_sessions.date_day) as date) as month_start,
    web_sessions.user_id,
    contacts.account_id,
    contacts.job_level,
    contacts.department,
    web_sessions.landing_page,
    web_sessions.utm_source,
    web_sessions.utm_campaign,
    web_sessions.channel,
    coalesce(channels.is_paid_media, false) as is_paid_media,
    web_sessions.pageviews,
    web_sessions.conversions,
    web_sessions.conversions > 0 as is_form_submission
from web_sessions
left join contacts on web_sessions.user_id = contacts.user_id
left join channels on web_sessions.channel = channels.channel
