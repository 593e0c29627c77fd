-- Grain: one row per Salesforce opportunity (raw.salesforce_opportunities).
-- source is the attributed channel name; channel is its canonical form ('Other' if unknown).
with opportunities as (select * from raw.salesforce_opportunities),

renamed as (
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
)

select
    opportunity_id,
    account_id,
    created_date,
    close_date,
    case lower(stage_name)
        when 'pipeline' then 'Pipeline'
        when 'proposal' then 'Proposal'
        when 'closed won' then 'Closed Won'
        when 'closed lost' then 'Closed Lost'
        else stage_name
    end as stage,
    amount_usd,
    source,
    case lower(source)
        when 'google ads' then 'Google Ads'
        when 'linkedin' then 'LinkedIn'
        when 'meta' then 'Meta'
        when 'twitter' then 'Twitter'
        when 'organic' then 'Organic'
        when 'direct' then 'Direct'
        when 'partner' then 'Partner'
        else 'Other'
    end as channel,
    owner_region,
    owner_id,
    source_file,
    source_line
from renamed
