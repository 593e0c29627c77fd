-- Grain: one row per opportunity. stage and stage_state (open / won / lost) from seeds.opportunity_stages
-- (case-insensitive; the load rejects stages the seed does not name); channel from seeds.channel_names on the
-- source ('Other' when unnamed). revenue_usd = amount for won deals only; pipeline_amount_usd = amount while open;
-- both 0 otherwise.
with opportunities as (select * from staging.stg_opportunities),

stages as (select * from seeds.opportunity_stages),

channel_names as (select * from seeds.channel_names),

channels as (select * from core.dim_channels),

flagged as (
    select
        opportunities.*,
        coalesce(stages.stage, opportunities.stage_name) as stage,
        coalesce(stages.stage_state, 'open') in ('won', 'lost') as is_closed,
        coalesce(stages.stage_state, 'open') = 'won' as is_won,
        coalesce(channel_names.channel, 'Other') as channel
    from opportunities
    left join stages on lower(opportunities.stage_name) = stages.stage_name
    left join channel_names on lower(opportunities.source) = channel_names.channel_name
)

select
    flagged.opportunity_id,
    flagged.account_id,
    flagged.created_date,
    cast(date_trunc('month', flagged.created_date) as date) as created_month,
    flagged.close_date,
    cast(flagged.close_date - flagged.created_date as integer) as days_to_close,
    cast(flagged.stage as varchar) as stage,
    flagged.is_closed,
    flagged.is_won,
    flagged.amount_usd,
    cast(case when flagged.is_won then flagged.amount_usd else 0 end as decimal(18, 2)) as revenue_usd,
    cast(case when flagged.is_closed then 0 else flagged.amount_usd end as decimal(18, 2)) as pipeline_amount_usd,
    flagged.source,
    cast(flagged.channel as varchar) as channel,
    coalesce(channels.is_paid_media, false) as is_paid_media,
    flagged.owner_region,
    flagged.owner_id
from flagged
left join channels on flagged.channel = channels.channel
