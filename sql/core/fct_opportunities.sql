-- Grain: one row per opportunity. revenue_usd = amount for Closed Won only;
-- pipeline_amount_usd = amount while open (Pipeline, Proposal); both 0 otherwise.
with opportunities as (select * from staging.stg_opportunities),

channels as (select * from core.dim_channels),

flagged as (
    select
        opportunities.*,
        stage in ('Closed Won', 'Closed Lost') as is_closed,
        stage = 'Closed Won' as is_won
    from opportunities
)

select
    flagged.opportunity_id,
    flagged.account_id,
    flagged.created_date,
    cast(date_trunc('month', flagged.created_date) as date) as created_month,
    flagged.close_date,
    cast(flagged.close_date - flagged.created_date as integer) as days_to_close,
    flagged.stage,
    flagged.is_closed,
    flagged.is_won,
    flagged.amount_usd,
    cast(case when flagged.is_won then flagged.amount_usd else 0 end as decimal(18, 2)) as revenue_usd,
    cast(case when flagged.is_closed then 0 else flagged.amount_usd end as decimal(18, 2)) as pipeline_amount_usd,
    flagged.source,
    flagged.channel,
    coalesce(channels.is_paid_media, false) as is_paid_media,
    flagged.owner_region,
    flagged.owner_id
from flagged
left join channels on flagged.channel = channels.channel
