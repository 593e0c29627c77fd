-- Grain: one row per opportunity (core.fct_opportunities), with only what was known on its created_date:
-- features look at events strictly before created_date (windows [created_date - N, created_date - 1]).
-- Labels: label_won = 1 Closed Won, 0 Closed Lost, NULL while open. The opportunity's own stage and
-- close date are not features. amount_usd is as exported (0 for Closed Lost in these exports: a known
-- leak the training step must detect).
-- Engagement: sessions of the account's known contacts (core.fct_web_sessions.account_id, via
-- crm_contacts), joined once to opportunities on account and a date range. Senior =
-- core.fct_web_sessions.is_senior (seeds.job_levels). engaged_contacts_90d counts distinct contacts through the
-- same rows, each carrying the date of the contact's next session: a contact is counted once, on its last session
-- in the window (the next one is on/after created_date or none).
-- Prior opportunities: the account's opportunities created strictly before created_date; prior_won /
-- prior_lost only those that had closed (close_date < created_date; unknown close_date = not known then).
-- last_feature_event_date: the latest event date any feature used (for the leakage test).
-- Numeric features are double (NULL when unknown); categoricals are varchar with 'Unknown' for blank/NULL.
with opportunities as (select * from core.fct_opportunities),

accounts as (select * from core.dim_accounts),

web_sessions as (select * from core.fct_web_sessions),

-- The contacts' sessions with what the features count, and the date of the contact's next session (the same day
-- for all but the last session of its day). A contact belongs to one account (crm_contacts is keyed by user_id), so
-- its sessions are ordered per user_id. The sessions are joined as they are: at about one session per contact and
-- day, grouping them per contact and day first cost more than it saved (measured: docs/BENCHMARKS.md). Counts are
-- count() (64-bit) and pageviews are summed as double (exact for counts, and cheaper than the 128-bit integers
-- DuckDB sums bigint into).
contact_sessions as (
    select
        account_id,
        date_day,
        cast(pageviews as double) as pageviews,
        is_form_submission,
        landing_page = '/pricing' as is_pricing,
        landing_page = '/demo' as is_demo,
        landing_page = '/enterprise' as is_enterprise,
        is_senior,
        lead(date_day) over (partition by user_id order by date_day) as next_session_date
    from web_sessions
    where account_id is not null
),

session_features as (
    select
        opportunities.opportunity_id,
        count(case when sessions.date_day >= opportunities.created_date - 7 then 1 end) as sessions_7d,
        count(case when sessions.date_day >= opportunities.created_date - 30 then 1 end) as sessions_30d,
        count(*) as sessions_90d,
        sum(case when sessions.date_day >= opportunities.created_date - 30 then sessions.pageviews else 0 end) as pageviews_30d,
        sum(sessions.pageviews) as pageviews_90d,
        count(case when sessions.is_form_submission and sessions.date_day >= opportunities.created_date - 30 then 1 end) as form_submissions_30d,
        count(case when sessions.is_form_submission then 1 end) as form_submissions_90d,
        count(case when sessions.is_pricing and sessions.date_day >= opportunities.created_date - 30 then 1 end) as pricing_visits_30d,
        count(case when sessions.is_demo and sessions.date_day >= opportunities.created_date - 30 then 1 end) as demo_visits_30d,
        count(case when sessions.is_enterprise and sessions.date_day >= opportunities.created_date - 30 then 1 end) as enterprise_visits_30d,
        count(case when sessions.is_pricing then 1 end) as pricing_visits_90d,
        count(case when sessions.is_demo then 1 end) as demo_visits_90d,
        count(case when sessions.is_enterprise then 1 end) as enterprise_visits_90d,
        count(case when sessions.is_senior and sessions.date_day >= opportunities.created_date - 30 then 1 end) as senior_sessions_30d,
        count(case when sessions.is_senior then 1 end) as senior_sessions_90d,
        max(sessions.date_day) as last_session_date,
        -- a contact counts once: on its last session in the window
        count(case when sessions.next_session_date is null or sessions.next_session_date >= opportunities.created_date then 1 end)
            as engaged_contacts_90d,
        count(case when sessions.is_senior and (sessions.next_session_date is null or sessions.next_session_date >= opportunities.created_date) then 1 end)
            as senior_engaged_contacts_90d
    from opportunities
    inner join contact_sessions as sessions
        on opportunities.account_id = sessions.account_id
        and sessions.date_day between opportunities.created_date - 90 and opportunities.created_date - 1
    group by opportunities.opportunity_id
),

prior_features as (
    select
        opportunities.opportunity_id,
        count(*) as prior_opportunities,
        sum(case when earlier.is_closed and earlier.is_won and earlier.close_date < opportunities.created_date then 1 else 0 end) as prior_won,
        sum(case when earlier.is_closed and not earlier.is_won and earlier.close_date < opportunities.created_date then 1 else 0 end) as prior_lost,
        max(earlier.created_date) as last_prior_created_date,
        max(case when earlier.is_closed and earlier.close_date < opportunities.created_date then earlier.close_date end) as last_prior_close_date
    from opportunities
    inner join opportunities as earlier
        on opportunities.account_id = earlier.account_id
        and earlier.created_date < opportunities.created_date
    group by all
),

joined as (
    select
        opportunities.opportunity_id,
        opportunities.account_id,
        opportunities.created_date,
        opportunities.is_closed,
        opportunities.is_won,
        opportunities.amount_usd,
        opportunities.channel,
        opportunities.is_paid_media,
        opportunities.owner_region,
        opportunities.owner_id,
        accounts.industry,
        accounts.employee_count,
        accounts.employee_band,
        accounts.annual_revenue_usd,
        accounts.region as account_region,
        prior_features.prior_opportunities,
        prior_features.prior_won,
        prior_features.prior_lost,
        prior_features.last_prior_created_date,
        prior_features.last_prior_close_date,
        session_features.sessions_7d,
        session_features.sessions_30d,
        session_features.sessions_90d,
        session_features.pageviews_30d,
        session_features.pageviews_90d,
        session_features.form_submissions_30d,
        session_features.form_submissions_90d,
        session_features.pricing_visits_30d,
        session_features.demo_visits_30d,
        session_features.enterprise_visits_30d,
        session_features.pricing_visits_90d,
        session_features.demo_visits_90d,
        session_features.enterprise_visits_90d,
        session_features.senior_sessions_30d,
        session_features.senior_sessions_90d,
        session_features.last_session_date,
        session_features.engaged_contacts_90d,
        session_features.senior_engaged_contacts_90d
    from opportunities
    left join accounts on opportunities.account_id = accounts.account_id
    left join prior_features on opportunities.opportunity_id = prior_features.opportunity_id
    left join session_features on opportunities.opportunity_id = session_features.opportunity_id
)

select
    opportunity_id,
    account_id,
    created_date,
    cast(case when is_closed then case when is_won then 1 else 0 end end as integer) as label_won,
    is_closed,
    not is_closed as is_open,
    cast(amount_usd as double) as amount_usd,
    cast(coalesce(nullif(channel, ''), 'Unknown') as varchar) as channel,
    cast(case when is_paid_media then 1 else 0 end as double) as is_paid_media,
    cast(coalesce(nullif(owner_region, ''), 'Unknown') as varchar) as owner_region,
    cast(coalesce(nullif(owner_id, ''), 'Unknown') as varchar) as owner_id,
    cast(coalesce(nullif(industry, ''), 'Unknown') as varchar) as industry,
    employee_band,
    cast(employee_count as double) as employee_count,
    cast(annual_revenue_usd as double) as annual_revenue_usd,
    cast(coalesce(nullif(account_region, ''), 'Unknown') as varchar) as account_region,
    cast(coalesce(prior_opportunities, 0) as double) as prior_opportunities,
    cast(coalesce(prior_won, 0) as double) as prior_won,
    cast(coalesce(prior_lost, 0) as double) as prior_lost,
    cast(coalesce(sessions_7d, 0) as double) as sessions_7d,
    cast(coalesce(sessions_30d, 0) as double) as sessions_30d,
    cast(coalesce(sessions_90d, 0) as double) as sessions_90d,
    cast(coalesce(pageviews_30d, 0) as double) as pageviews_30d,
    cast(coalesce(pageviews_90d, 0) as double) as pageviews_90d,
    cast(coalesce(form_submissions_30d, 0) as double) as form_submissions_30d,
    cast(coalesce(form_submissions_90d, 0) as double) as form_submissions_90d,
    cast(coalesce(pricing_visits_30d, 0) as double) as pricing_visits_30d,
    cast(coalesce(demo_visits_30d, 0) as double) as demo_visits_30d,
    cast(coalesce(enterprise_visits_30d, 0) as double) as enterprise_visits_30d,
    cast(coalesce(pricing_visits_90d, 0) as double) as pricing_visits_90d,
    cast(coalesce(demo_visits_90d, 0) as double) as demo_visits_90d,
    cast(coalesce(enterprise_visits_90d, 0) as double) as enterprise_visits_90d,
    cast(coalesce(senior_sessions_30d, 0) as double) as senior_sessions_30d,
    cast(coalesce(senior_sessions_90d, 0) as double) as senior_sessions_90d,
    cast(coalesce(engaged_contacts_90d, 0) as double) as engaged_contacts_90d,
    cast(coalesce(senior_engaged_contacts_90d, 0) as double) as senior_engaged_contacts_90d,
    cast(created_date - last_session_date as double) as days_since_last_session,
    -- latest of three nullable dates without greatest() (its NULL handling differs by engine)
    cast(case
        when last_session_date >= coalesce(last_prior_created_date, last_session_date)
            and last_session_date >= coalesce(last_prior_close_date, last_session_date)
            then last_session_date
        when last_prior_created_date >= coalesce(last_prior_close_date, last_prior_created_date)
            then last_prior_created_date
        else last_prior_close_date
    end as date) as last_feature_event_date
from joined
