-- Score table (written by the score write-back, not built from a model): the run ledger. Grain: one row per run_id.
-- status 'succeeded' (committed with its scores) or 'failed' (with the error in message); opportunities and accounts
-- count the rows written; feature_build_id is the build the features came from. Per side (opportunity, icp): the
-- model and version, what produced the scores (kind: model, baseline or none) and the trust verdict with its reason
-- (columns added after the first release; a ledger created before them gets them, null for its earlier runs).
create table if not exists gtm_meta.score_runs (
    run_id varchar not null,
    status varchar not null,
    started_at timestamp not null,
    finished_at timestamp,
    scored_at timestamp,
    opportunities bigint,
    accounts bigint,
    opportunity_model varchar,
    opportunity_model_version varchar,
    icp_model varchar,
    icp_model_version varchar,
    feature_build_id bigint,
    message varchar,
    opportunity_model_kind varchar,
    opportunity_trust varchar,
    opportunity_trust_reason varchar,
    icp_model_kind varchar,
    icp_trust varchar,
    icp_trust_reason varchar
)
