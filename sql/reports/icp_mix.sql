-- Report dataset: ICP mix by channel. Grain: one row per channel (every channel plus 'Total') and month
-- of mrt_monthly_channel_metrics. Opportunities are counted on their created month (as in the mart) and
-- take the tier (A-D) of their account's latest score in mart.mrt_account_scores; 'unscored' counts
-- opportunities whose account has no score. share_ab = tier A + B opportunities / all opportunities.
with metrics as (select * from mart.mrt_monthly_channel_metrics),

opportunities as (select * from core.fct_opportunities),

account_scores as (select * from mart.mrt_account_scores),

grid as (
    select channel, month
    from metrics
    where metric_index = 10
),

tiered as (
    select
        opportunities.channel,
        opportunities.created_month as month,
        coalesce(account_scores.tier, 'unscored') as tier
    from opportunities
    left join account_scores on opportunities.account_id = account_scores.account_id
),

per_channel as (
    select
        channel,
        month,
        count(*) as opportunities,
        sum(case when tier = 'A' then 1 else 0 end) as tier_a,
        sum(case when tier = 'B' then 1 else 0 end) as tier_b,
        sum(case when tier = 'C' then 1 else 0 end) as tier_c,
        sum(case when tier = 'D' then 1 else 0 end) as tier_d,
        sum(case when tier = 'unscored' then 1 else 0 end) as unscored
    from tiered
    group by all
),

all_channels as (
    select
        'Total' as channel,
        month,
        sum(opportunities) as opportunities,
        sum(tier_a) as tier_a,
        sum(tier_b) as tier_b,
        sum(tier_c) as tier_c,
        sum(tier_d) as tier_d,
        sum(unscored) as unscored
    from per_channel
    group by all
),

combined as (
    select * from per_channel
    union all
    select * from all_channels
),

counts as (
    select
        grid.channel,
        grid.month,
        cast(coalesce(combined.opportunities, 0) as bigint) as opportunities,
        cast(coalesce(combined.tier_a, 0) as bigint) as tier_a,
        cast(coalesce(combined.tier_b, 0) as bigint) as tier_b,
        cast(coalesce(combined.tier_c, 0) as bigint) as tier_c,
        cast(coalesce(combined.tier_d, 0) as bigint) as tier_d,
        cast(coalesce(combined.unscored, 0) as bigint) as unscored
    from grid
    left join combined on grid.channel = combined.channel and grid.month = combined.month
)

select
    counts.*,
    cast(tier_a + tier_b as double) / nullif(cast(opportunities as double), 0) as share_ab,
    cast(tier_a as double) / nullif(cast(opportunities as double), 0) as share_a,
    cast(tier_b as double) / nullif(cast(opportunities as double), 0) as share_b,
    cast(tier_c as double) / nullif(cast(opportunities as double), 0) as share_c,
    cast(tier_d as double) / nullif(cast(opportunities as double), 0) as share_d,
    cast(unscored as double) / nullif(cast(opportunities as double), 0) as share_unscored
from counts
order by month, channel
