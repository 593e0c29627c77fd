-- Grain: one row per model_name, model_version, run_id and score band (always ten bands, zeros where empty): win
-- rate by band of the 1-99 score, for the calibration chart. Bands: 1 = scores 1-9, 2 = 10-19, ..., 10 = 90-99.
-- scored: opportunities of the band the run scored; closed_since / won_since: of those open when scored, how many
-- closed / were won since (mart.mrt_score_outcomes); win_rate = won_since / closed_since (null before any closed);
-- mean_probability: the band's mean predicted probability over the closed deals (null before any closed).
with recursive band_numbers as (
    select 1 as band
    union all
    select band + 1 from band_numbers where band < 10
),

outcomes as (select * from mart.mrt_score_outcomes),

runs as (select distinct model_name, model_version, run_id from outcomes),

banded as (
    select
        outcomes.*,
        case
            when score < 10 then 1 when score < 20 then 2 when score < 30 then 3 when score < 40 then 4
            when score < 50 then 5 when score < 60 then 6 when score < 70 then 7 when score < 80 then 8
            when score < 90 then 9 else 10
        end as band,
        open_when_scored and outcome in ('won', 'lost') as counts
    from outcomes
),

per_band as (
    select
        model_name,
        model_version,
        run_id,
        band,
        count(*) as scored,
        sum(case when counts then 1 else 0 end) as closed_since,
        sum(case when counts and outcome = 'won' then 1 else 0 end) as won_since,
        avg(case when counts then probability end) as mean_probability
    from banded
    group by model_name, model_version, run_id, band
)

select
    runs.model_name,
    runs.model_version,
    runs.run_id,
    band_numbers.band,
    case when band_numbers.band = 1 then 1 else (band_numbers.band - 1) * 10 end as score_from,
    band_numbers.band * 10 - 1 as score_to,
    coalesce(per_band.scored, 0) as scored,
    coalesce(per_band.closed_since, 0) as closed_since,
    coalesce(per_band.won_since, 0) as won_since,
    case
        when coalesce(per_band.closed_since, 0) > 0 then cast(per_band.won_since as double) / nullif(cast(per_band.closed_since as double), 0)
    end as win_rate,
    per_band.mean_probability
from runs
cross join band_numbers
left join per_band
    on per_band.model_name = runs.model_name
    and per_band.model_version = runs.model_version
    and per_band.run_id = runs.run_id
    and per_band.band = band_numbers.band
