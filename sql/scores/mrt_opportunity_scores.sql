-- Score table (written by the score write-back, not built from a model): the latest score of every open
-- opportunity. Grain: one row per opportunity_id, the whole table replaced by each write-back run.
-- score 1-99 (the win probability in percent, rounded), probability the calibrated win probability, top_factors
-- the strongest reasons as JSON, model_name / model_version what produced them, run_id the gtm_meta.score_runs run.
create table if not exists mart.mrt_opportunity_scores (
    opportunity_id varchar not null,
    score integer not null,
    probability double not null,
    top_factors varchar not null,
    model_name varchar not null,
    model_version varchar not null,
    run_id varchar not null,
    scored_at timestamp not null
)
