-- Grain: one row per scoring run and opportunity scored in it (history.scores, kept by the score write-back),
-- with what became of the opportunity according to the stage history (history.opportunity_snapshots, kept by
-- every load). open_when_scored: the opportunity's state valid at scored_at was open (true too when the history
-- did not know it yet: only open opportunities are scored). outcome: 'won' / 'lost' from the first state after
-- scored_at whose stage seeds.opportunity_stages maps to won or lost, else 'open'; outcome_seen_at is the load time
-- that state was first seen (its valid_from), null while open.
with scores as (select * from history.scores where entity_type = 'opportunity'),

snapshots as (select * from history.opportunity_snapshots),

stages as (select * from seeds.opportunity_stages),

states as (
    select
        snapshots.opportunity_id,
        snapshots.valid_from,
        snapshots.valid_to,
        coalesce(stages.stage_state, 'open') as stage_state
    from snapshots
    left join stages on lower(snapshots.stage_name) = stages.stage_name
),

state_when_scored as (
    select scores.run_id, scores.entity_id, states.stage_state
    from scores
    inner join states
        on states.opportunity_id = scores.entity_id
        and states.valid_from <= scores.scored_at
        and (states.valid_to is null or states.valid_to > scores.scored_at)
),

closings as (
    select
        scores.run_id,
        scores.entity_id,
        states.stage_state as outcome,
        states.valid_from as outcome_seen_at
    from scores
    inner join states
        on states.opportunity_id = scores.entity_id
        and states.valid_from > scores.scored_at
        and states.stage_state in ('won', 'lost')
    qualify row_number() over (partition by scores.run_id, scores.entity_id order by states.valid_from) = 1
)

select
    scores.run_id,
    scores.model_name,
    scores.model_version,
    scores.entity_id as opportunity_id,
    cast(scores.score as integer) as score,
    scores.probability,
    scores.scored_at,
    coalesce(state_when_scored.stage_state, 'open') = 'open' as open_when_scored,
    coalesce(closings.outcome, 'open') as outcome,
    closings.outcome_seen_at
from scores
left join state_when_scored
    on state_when_scored.run_id = scores.run_id and state_when_scored.entity_id = scores.entity_id
left join closings
    on closings.run_id = scores.run_id and closings.entity_id = scores.entity_id
