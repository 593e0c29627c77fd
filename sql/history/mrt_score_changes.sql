-- History table (written by the score write-back from queries/score_changes.sql, not built from a model): what
-- changed between each entity's consecutive kept runs. Grain: one row per run_id, entity_type and entity_id scored
-- in an earlier kept run too (previous_run_id). delta = score - previous_score; moved_family_1..3 the reason
-- families whose contributions moved most (opportunities only), largest first.
create table if not exists mart.mrt_score_changes (
    run_id varchar not null,
    previous_run_id varchar not null,
    entity_type varchar not null,
    entity_id varchar not null,
    model_name varchar not null,
    model_version varchar not null,
    previous_model_version varchar not null,
    scored_at timestamp not null,
    previous_scored_at timestamp not null,
    previous_score double not null,
    score double not null,
    delta double not null,
    previous_tier varchar,
    tier varchar,
    moved_family_1 varchar,
    moved_contribution_1 double,
    moved_family_2 varchar,
    moved_contribution_2 double,
    moved_family_3 varchar,
    moved_contribution_3 double
)
