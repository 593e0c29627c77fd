-- History table (written by the score write-back, not built from a model): every kept run's scores, so any past run
-- can be judged (mart.mrt_score_outcomes, mart.mrt_model_performance) and explained (mart.mrt_score_changes).
-- Grain: one row per run_id, entity_type ('opportunity' / 'account') and entity_id. score: opportunity 1-99 or
-- account fit 0-100; probability (opportunities) and tier (accounts); top_factors the reasons as JSON, as the
-- latest tables carry them. Runs past the retention (gtm score --keep-runs / --keep-days) are dropped.
create table if not exists history.scores (
    run_id varchar not null,
    entity_type varchar not null,
    entity_id varchar not null,
    score double not null,
    probability double,
    tier varchar,
    model_name varchar not null,
    model_version varchar not null,
    top_factors varchar not null,
    scored_at timestamp not null
)
