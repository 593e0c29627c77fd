-- Not a model: what changed between each entity's consecutive scoring runs. The score write-back inserts this
-- query's rows of its own run into mart.mrt_score_changes (src/GtmMart.Warehouse/History/ScoreHistory.cs), in the
-- transaction that writes the run. Grain: one row per run_id, entity_type and entity_id that was also scored in an
-- earlier run kept in history.scores (previous_run_id is that latest earlier run).
-- delta = score - previous_score (opportunity score 1-99, account fit 0-100). moved_family_1..3: the reason families
-- whose contribution (win log-odds, from history.score_factors: the families among each run's top reasons, 0 when
-- a family was not among them) moved most, largest absolute change first, ties by family name; account reasons
-- carry no family, so accounts have none.
with scores as (select * from history.scores),

factors as (select * from history.score_factors),

paired as (
    select
        scores.*,
        lag(run_id) over (partition by entity_type, entity_id order by scored_at, run_id) as previous_run_id,
        lag(model_version) over (partition by entity_type, entity_id order by scored_at, run_id) as previous_model_version,
        lag(scored_at) over (partition by entity_type, entity_id order by scored_at, run_id) as previous_scored_at,
        lag(score) over (partition by entity_type, entity_id order by scored_at, run_id) as previous_score,
        lag(tier) over (partition by entity_type, entity_id order by scored_at, run_id) as previous_tier
    from scores
),

changes as (select * from paired where previous_run_id is not null),

pair_factors as (
    select
        changes.run_id,
        changes.entity_type,
        changes.entity_id,
        factors.family,
        case when factors.run_id = changes.run_id then factors.contribution else 0 end as new_contribution,
        case when factors.run_id = changes.previous_run_id then factors.contribution else 0 end as old_contribution
    from changes
    inner join factors
        on factors.entity_type = changes.entity_type
        and factors.entity_id = changes.entity_id
        and (factors.run_id = changes.run_id or factors.run_id = changes.previous_run_id)
),

moves as (
    select run_id, entity_type, entity_id, family, sum(new_contribution) - sum(old_contribution) as moved
    from pair_factors
    group by run_id, entity_type, entity_id, family
),

ranked as (
    select
        moves.*,
        row_number() over (partition by run_id, entity_type, entity_id order by abs(moved) desc nulls last, family) as move_rank
    from moves
    where moved <> 0
)

select
    changes.run_id,
    changes.previous_run_id,
    changes.entity_type,
    changes.entity_id,
    changes.model_name,
    changes.model_version,
    changes.previous_model_version,
    changes.scored_at,
    changes.previous_scored_at,
    changes.previous_score,
    changes.score,
    changes.score - changes.previous_score as delta,
    changes.previous_tier,
    changes.tier,
    max(case when ranked.move_rank = 1 then ranked.family end) as moved_family_1,
    max(case when ranked.move_rank = 1 then ranked.moved end) as moved_contribution_1,
    max(case when ranked.move_rank = 2 then ranked.family end) as moved_family_2,
    max(case when ranked.move_rank = 2 then ranked.moved end) as moved_contribution_2,
    max(case when ranked.move_rank = 3 then ranked.family end) as moved_family_3,
    max(case when ranked.move_rank = 3 then ranked.moved end) as moved_contribution_3
from changes
left join ranked
    on ranked.run_id = changes.run_id
    and ranked.entity_type = changes.entity_type
    and ranked.entity_id = changes.entity_id
    and ranked.move_rank <= 3
group by
    changes.run_id, changes.previous_run_id, changes.entity_type, changes.entity_id, changes.model_name,
    changes.model_version, changes.previous_model_version, changes.scored_at, changes.previous_scored_at,
    changes.previous_score, changes.score, changes.previous_tier, changes.tier
