-- Report dataset: when the scores were written. Grain: one row, the latest succeeded run in
-- gtm_meta.score_runs (the run whose scores mart.mrt_opportunity_scores and mart.mrt_account_scores hold), with what
-- produced each side's scores (kind model / baseline / none) and the trust verdict and its reason.
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
    feature_build_id,
    opportunity_model_kind,
    opportunity_trust,
    opportunity_trust_reason,
    icp_model_kind,
    icp_trust,
    icp_trust_reason
from runs
where status = 'succeeded'
qualify row_number() over (order by scored_at desc nulls last, run_id desc nulls last) = 1
