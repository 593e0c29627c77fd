-- Score table (written by the score write-back, not built from a model): how far each run's scored population moved
-- from the training population of the model version that scored it. Grain: one row per run_id, model_name and
-- feature (each feature the model uses, and 'score' for its output), written in the write-back's transaction.
-- psi the population stability index against the version's binned reference (drift-reference.json in the registry),
-- reading 'stable' (psi < 0.1), 'moderate' (0.1-0.25) or 'significant' (> 0.25), kind 'numeric', 'categorical' or
-- 'score', sample_size the rows scored, reference_size the rows of the training snapshot, note why the index means
-- little here (too small a sample) or null.
create table if not exists mart.mrt_feature_drift (
    run_id varchar not null,
    model_name varchar not null,
    model_version varchar not null,
    feature varchar not null,
    kind varchar not null,
    psi double not null,
    reading varchar not null,
    sample_size bigint not null,
    reference_size bigint not null,
    note varchar,
    scored_at timestamp not null
)
