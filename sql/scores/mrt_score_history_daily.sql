-- Score table (written by the score write-back, not built from a model): every entity's score per day.
-- Grain: one row per score_date, entity_type ('opportunity' or 'account') and entity_id; a rerun the same day
-- replaces the day's row. score is the opportunity's score (1-99) or the account's fit (0-100); tier only for accounts.
create table if not exists mart.mrt_score_history_daily (
    score_date date not null,
    entity_type varchar not null,
    entity_id varchar not null,
    score double not null,
    tier varchar,
    model_version varchar not null,
    run_id varchar not null
)
