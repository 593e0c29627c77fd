-- Report dataset: realized accuracy over runs ("Are the scores right?"). Grain: one row per model_name, model_version
-- and run_id of mart.mrt_model_performance (built from the stage history: the run's win probabilities against the
-- deals open when scored that have closed since), oldest run first: realized AUC with its 95% interval, Brier score,
-- calibration error, and how many deals have closed since.
with performance as (select * from mart.mrt_model_performance)

select
    model_name,
    model_version,
    run_id,
    scored_at,
    scored,
    closed_since,
    won_since,
    realized_auc,
    realized_auc_low,
    realized_auc_high,
    brier,
    calibration_error
from performance
order by scored_at, run_id, model_name
