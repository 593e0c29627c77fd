-- Grain: one row per Salesforce opportunity (raw.salesforce_opportunities).
-- stage_name and source are as exported; core maps them to a stage and state (seeds.opportunity_stages) and to a
-- channel (seeds.channel_names).
with opportunities as (select * from raw.salesforce_opportunities)

select
    trim(opportunity_id) as opportunity_id,
    trim(account_id) as account_id,
    created_date,
    close_date,
    trim(stage) as stage_name,
    cast(coalesce(amount_usd, 0) as decimal(18, 2)) as amount_usd,
    trim(coalesce(source, '')) as source,
    trim(owner_region) as owner_region,
    nullif(trim(owner_id), '') as owner_id,
    _file as source_file,
    _line as source_line
from opportunities
