-- Score table (written by the score write-back, not built from a model): the latest ideal-customer-profile score of
-- every account. Grain: one row per account_id, the whole table replaced by each write-back run.
-- fit_score 0-100 (50 for the typical account, 25 points per doubling of its odds), tier A-D from the fit,
-- segment the behaviour cluster's name, behaviour_score 0-100, top_factors the reasons as JSON.
create table if not exists mart.mrt_account_scores (
    account_id varchar not null,
    fit_score double not null,
    tier varchar not null,
    segment varchar not null,
    behaviour_score double not null,
    top_factors varchar not null,
    model_name varchar not null,
    model_version varchar not null,
    run_id varchar not null,
    scored_at timestamp not null
)
