-- History table (written by the score write-back): the family contributions of each kept run's opportunity
-- reasons (win log-odds), the portable form of top_factors that mart.mrt_score_changes compares. Grain: one row
-- per run_id, entity_type, entity_id and family among the score's top reasons.
create table if not exists history.score_factors (
    run_id varchar not null,
    entity_type varchar not null,
    entity_id varchar not null,
    family varchar not null,
    contribution double not null
)
