-- Report dataset: when the scores were written. Grain: one row, the latest succeeded run in
-- gtm_meta.score_runs (the run whose scores mart.mrt_opportunity_scores and mart.mrt_account_scores hold).
with runs as (select * from gtm_meta.score_runs)

select
    run_id,
    started_at,
    finished_at,
    scored_at,
    opportunities,
    accounts,
    opportunity_model,
    opportunity_model_version,
    icp_model,
    icp_model_version,
    feature_build_id
from runs
where status = 'succeeded'
qualify row_number() over (order by scored_at desc nulls last, run_id desc nulls last) = 1
