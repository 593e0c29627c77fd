-- Grain: one row per web session. channel from seeds.utm_sources on the UTM source ('' = direct; 'Other' when the
-- seed does not name it). account_id, job_level and is_senior come from crm_contacts (via user_id) when known;
-- is_senior from seeds.job_levels (case-insensitive; false when the seed does not name the level).
with web_sessions as (select * from staging.stg_web_sessions),

contacts as (select * from staging.stg_contacts),

utm_sources as (select * from seeds.utm_sources),

job_levels as (select * from seeds.job_levels),

channels as (select * from core.dim_channels),

-- Each contact's seniority, looked up once per contact rather than once per session.
contact_levels as (
    select
        contacts.user_id,
        contacts.account_id,
        contacts.job_level,
        coalesce(job_levels.is_senior, false) as is_senior,
        contacts.department
    from contacts
    left join job_levels on lower(contacts.job_level) = job_levels.job_level
)

select
    web_sessions.session_id,
    web_sessions.date_day,
    cast(date_trunc('month', web_sessions.date_day) as date) as month_start,
    web_sessions.user_id,
    contact_levels.account_id,
    contact_levels.job_level,
    coalesce(contact_levels.is_senior, false) as is_senior,
    contact_levels.department,
    web_sessions.landing_page,
    web_sessions.utm_source,
    web_sessions.utm_campaign,
    cast(coalesce(utm_sources.channel, 'Other') as varchar) as channel,
    coalesce(channels.is_paid_media, false) as is_paid_media,
    web_sessions.pageviews,
    web_sessions.conversions,
    web_sessions.conversions > 0 as is_form_submission
from web_sessions
left join contact_levels on web_sessions.user_id = contact_levels.user_id
left join utm_sources on web_sessions.utm_source = utm_sources.utm_source
left join channels on coalesce(utm_sources.channel, 'Other') = channels.channel
