-- Report dataset: drift flags of the latest write-back ("Are the scores right?"). Grain: one row per model and column
-- (each feature the model uses, and its score) of the latest succeeded run in gtm_meta.score_runs, from
-- mart.mrt_feature_drift: the population stability index against the version's training reference, its reading
-- (stable < 0.1, moderate 0.1-0.25, significant > 0.25), the rows scored and the small-sample note. Largest first.
with runs as (select * from gtm_meta.score_runs where status = 'succeeded'),

latest as (
    select max(run_id) as run_id
    from runs
    where scored_at = (select max(scored_at) from runs)
),

drift as (select * from mart.mrt_feature_drift)

select
    drift.run_id,
    drift.model_name,
    drift.model_version,
    drift.feature,
    drift.kind,
    drift.psi,
    drift.reading,
    drift.sample_size,
    drift.reference_size,
    drift.note
from drift
inner join latest on latest.run_id = drift.run_id
order by drift.model_name, drift.psi desc nulls last, drift.feature
