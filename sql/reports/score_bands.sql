-- Report dataset: the calibration chart ("Are the scores right?"). Grain: one row per model_name, model_version,
-- run_id and score band (1 = scores 1-9, ..., 10 = 90-99) of mart.mrt_model_performance_bands: of the deals open when
-- scored that have closed since, the realized win rate and the mean predicted probability, with the counts. The page
-- shows the run with the most deals closed since.
with bands as (select * from mart.mrt_model_performance_bands)

select
    model_name,
    model_version,
    run_id,
    band,
    score_from,
    score_to,
    scored,
    closed_since,
    won_since,
    win_rate,
    mean_probability
from bands
order by run_id, model_name, band
