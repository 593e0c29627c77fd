-- Not a model: the state of every opportunity in the raw table as the load just left it, which the load's snapshot
-- (src/GtmMart.Warehouse/History/OpportunityHistory.cs) compares with the current rows of
-- history.opportunity_snapshots. Ids and text are trimmed as in staging.stg_opportunities, so they join to the mart.
-- Grain: one row per opportunity_id (the loader rejects duplicate ids).
with opportunities as (select * from raw.salesforce_opportunities)

select
    trim(opportunity_id) as opportunity_id,
    trim(account_id) as account_id,
    trim(stage) as stage_name,
    cast(coalesce(amount_usd, 0) as decimal(18, 2)) as amount_usd,
    close_date,
    nullif(trim(owner_id), '') as owner_id,
    trim(owner_region) as owner_region
from opportunities
