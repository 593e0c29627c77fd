-- Report dataset: the biggest score changes since the previous run ("Are the scores right?"). Grain: up to ten rows
-- per entity type ('opportunity', 'account') of the latest succeeded run in gtm_meta.score_runs, from
-- mart.mrt_score_changes, largest absolute change first: previous and new score, the delta, and the reason families
-- whose contributions (win log-odds) moved most.
with runs as (select * from gtm_meta.score_runs where status = 'succeeded'),

latest as (
    select max(run_id) as run_id
    from runs
    where scored_at = (select max(scored_at) from runs)
),

changes as (select * from mart.mrt_score_changes),

ranked as (
    select
        changes.*,
        row_number() over (partition by changes.entity_type order by abs(changes.delta) desc nulls last, changes.entity_id) as change_rank
    from changes
    inner join latest on latest.run_id = changes.run_id
    where changes.delta <> 0
)

select
    run_id,
    previous_run_id,
    entity_type,
    entity_id,
    model_version,
    previous_model_version,
    previous_score,
    score,
    delta,
    previous_tier,
    tier,
    moved_family_1,
    moved_contribution_1,
    moved_family_2,
    moved_contribution_2,
    moved_family_3,
    moved_contribution_3,
    change_rank
from ranked
where change_rank <= 10
order by entity_type, change_rank
