-- Grain: one row per account in core.dim_accounts, as of the last day in core.dim_dates (as_of_date).
-- Engagement: sessions of the account's known contacts (core.fct_web_sessions.account_id, via
-- crm_contacts) in the 90 days ending on as_of_date inclusive [as_of_date - 89, as_of_date]; zeros when
-- none; days_since_last_session = as_of_date - latest session day in that window (NULL when none).
-- Senior = core.fct_web_sessions.is_senior (seeds.job_levels).
-- Opportunities: all of the account's opportunities created on or before as_of_date; win_rate = won /
-- (won + lost), NULL when no closed deal; avg_won_deal_usd NULL when nothing won.
-- icp_label = 1 when the account has at least one Closed Won opportunity, else 0.
-- Numeric features (counts included) are double; categoricals are varchar with 'Unknown' for blank/NULL.
with accounts as (select * from core.dim_accounts),

dates as (select * from core.dim_dates),

web_sessions as (select * from core.fct_web_sessions),

opportunities as (select * from core.fct_opportunities),

as_of as (
    select max(date_day) as as_of_date from dates
),

-- Counts are count() (64-bit) and pageviews are summed as double: exact for counts, and cheaper than the 128-bit
-- integers DuckDB sums integers and bigint into; every feature is a double in the end.
session_features as (
    select
        web_sessions.account_id,
        count(*) as sessions_90d,
        sum(cast(web_sessions.pageviews as double)) as pageviews_90d,
        count(case when web_sessions.is_form_submission then 1 end) as form_submissions_90d,
        count(case when web_sessions.landing_page = '/pricing' then 1 end) as pricing_visits_90d,
        count(case when web_sessions.landing_page = '/demo' then 1 end) as demo_visits_90d,
        count(case when web_sessions.landing_page = '/enterprise' then 1 end) as enterprise_visits_90d,
        count(distinct web_sessions.user_id) as engaged_contacts_90d,
        count(distinct case
            when web_sessions.is_senior then web_sessions.user_id
        end) as senior_engaged_contacts_90d,
        max(web_sessions.date_day) as last_session_date
    from web_sessions
    cross join as_of
    where web_sessions.account_id is not null
        and web_sessions.date_day between as_of.as_of_date - 89 and as_of.as_of_date
    group by all
),

opportunity_features as (
    select
        opportunities.account_id,
        count(*) as opportunity_count,
        count(case when not opportunities.is_closed then 1 end) as open_opportunities,
        sum(opportunities.pipeline_amount_usd) as open_pipeline_usd,
        count(case when opportunities.is_won then 1 end) as won_opportunities,
        count(case when opportunities.is_closed and not opportunities.is_won then 1 end) as lost_opportunities,
        sum(opportunities.revenue_usd) as won_revenue_usd
    from opportunities
    cross join as_of
    where opportunities.created_date <= as_of.as_of_date
    group by all
),

joined as (
    select
        accounts.account_id,
        accounts.account_name,
        accounts.industry,
        accounts.employee_count,
        accounts.employee_band,
        accounts.annual_revenue_usd,
        accounts.region,
        accounts.country,
        session_features.sessions_90d,
        session_features.pageviews_90d,
        session_features.form_submissions_90d,
        session_features.pricing_visits_90d,
        session_features.demo_visits_90d,
        session_features.enterprise_visits_90d,
        session_features.engaged_contacts_90d,
        session_features.senior_engaged_contacts_90d,
        session_features.last_session_date,
        coalesce(opportunity_features.opportunity_count, 0) as opportunity_count,
        coalesce(opportunity_features.open_opportunities, 0) as open_opportunities,
        coalesce(opportunity_features.open_pipeline_usd, 0) as open_pipeline_usd,
        coalesce(opportunity_features.won_opportunities, 0) as won_opportunities,
        coalesce(opportunity_features.lost_opportunities, 0) as lost_opportunities,
        coalesce(opportunity_features.won_revenue_usd, 0) as won_revenue_usd,
        as_of.as_of_date
    from accounts
    cross join as_of
    left join session_features on accounts.account_id = session_features.account_id
    left join opportunity_features on accounts.account_id = opportunity_features.account_id
)

select
    account_id,
    cast(coalesce(nullif(account_name, ''), 'Unknown') as varchar) as account_name,
    cast(coalesce(nullif(industry, ''), 'Unknown') as varchar) as industry,
    employee_band,
    cast(employee_count as double) as employee_count,
    cast(annual_revenue_usd as double) as annual_revenue_usd,
    cast(coalesce(nullif(region, ''), 'Unknown') as varchar) as region,
    cast(coalesce(nullif(country, ''), 'Unknown') as varchar) as country,
    cast(coalesce(sessions_90d, 0) as double) as sessions_90d,
    cast(coalesce(pageviews_90d, 0) as double) as pageviews_90d,
    cast(coalesce(form_submissions_90d, 0) as double) as form_submissions_90d,
    cast(coalesce(pricing_visits_90d, 0) as double) as pricing_visits_90d,
    cast(coalesce(demo_visits_90d, 0) as double) as demo_visits_90d,
    cast(coalesce(enterprise_visits_90d, 0) as double) as enterprise_visits_90d,
    cast(coalesce(engaged_contacts_90d, 0) as double) as engaged_contacts_90d,
    cast(coalesce(senior_engaged_contacts_90d, 0) as double) as senior_engaged_contacts_90d,
    cast(as_of_date - last_session_date as double) as days_since_last_session,
    cast(opportunity_count as double) as opportunity_count,
    cast(open_opportunities as double) as open_opportunities,
    cast(open_pipeline_usd as double) as open_pipeline_usd,
    cast(won_opportunities as double) as won_opportunities,
    cast(lost_opportunities as double) as lost_opportunities,
    cast(won_revenue_usd as double) as won_revenue_usd,
    cast(won_opportunities as double) / nullif(cast(won_opportunities + lost_opportunities as double), 0) as win_rate,
    cast(won_revenue_usd as double) / nullif(cast(won_opportunities as double), 0) as avg_won_deal_usd,
    cast(case when won_opportunities > 0 then 1 else 0 end as integer) as icp_label,
    cast(as_of_date as date) as as_of_date
from joined
