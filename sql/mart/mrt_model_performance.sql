-- Grain: one row per model_name, model_version and run_id (every run in history.scores that scored opportunities):
-- how the run's win probabilities did on the opportunities that were open when scored and have closed since
-- (mart.mrt_score_outcomes). scored: opportunities the run scored; closed_since / won_since: of those open when
-- scored, how many closed / were won since.
-- realized_auc: ROC AUC of the probabilities against won (1) / lost (0), by the rank-sum (Mann-Whitney) statistic
-- with average ranks for ties; null until both classes have closed. realized_auc_low / _high: its 95% interval,
-- realized_auc +/- 1.96 standard errors by Hanley & McNeil (1982), clamped to 0-1.
-- brier: mean squared error of the probability against the outcome. calibration_error: expected calibration error
-- with the promotion gate's binning (10 equal-width probability bins, [0, 0.1) ... [0.9, 1]; the gap between the
-- bin's mean probability and win rate, weighted by its share of the closed deals).
-- Win rate by score band: mart.mrt_model_performance_bands.
with outcomes as (select * from mart.mrt_score_outcomes),

runs as (
    select
        model_name,
        model_version,
        run_id,
        min(scored_at) as scored_at,
        count(*) as scored,
        sum(case when open_when_scored then 1 else 0 end) as open_when_scored
    from outcomes
    group by model_name, model_version, run_id
),

closed as (
    select
        outcomes.*,
        case when outcome = 'won' then 1 else 0 end as won
    from outcomes
    where open_when_scored and outcome in ('won', 'lost')
),

ranked as (
    select
        closed.*,
        cast(rank() over (partition by model_name, model_version, run_id order by probability) as double)
        + cast(count(*) over (partition by model_name, model_version, run_id, probability) - 1 as double) * 0.5 as probability_rank,
        case when probability >= 1 then 9 else cast(floor(probability * 10) as integer) end as calibration_bin
    from closed
),

totals as (
    select
        model_name,
        model_version,
        run_id,
        count(*) as closed_since,
        sum(won) as won_since,
        cast(sum(won) as double) as positives,
        cast(count(*) - sum(won) as double) as negatives,
        sum(case when won = 1 then probability_rank else 0 end) as positive_rank_sum,
        avg((probability - won) * (probability - won)) as brier
    from ranked
    group by model_name, model_version, run_id
),

bins as (
    select
        model_name,
        model_version,
        run_id,
        calibration_bin,
        cast(count(*) as double) as deals,
        avg(probability) as mean_probability,
        avg(cast(won as double)) as win_rate
    from ranked
    group by model_name, model_version, run_id, calibration_bin
),

calibration as (
    select
        model_name,
        model_version,
        run_id,
        sum(abs(mean_probability - win_rate) * deals) / nullif(sum(deals), 0) as calibration_error
    from bins
    group by model_name, model_version, run_id
),

auc as (
    select
        totals.*,
        case
            when positives > 0 and negatives > 0
                then (positive_rank_sum - positives * (positives + 1) * 0.5) / nullif(positives * negatives, 0)
        end as realized_auc
    from totals
),

hanley_mcneil_terms as (
    select
        auc.*,
        realized_auc / nullif(2 - realized_auc, 0) as q1,
        2 * realized_auc * realized_auc / nullif(1 + realized_auc, 0) as q2
    from auc
),

hanley_mcneil_variance as (
    select
        hanley_mcneil_terms.*,
        (realized_auc * (1 - realized_auc)
            + (positives - 1) * (q1 - realized_auc * realized_auc)
            + (negatives - 1) * (q2 - realized_auc * realized_auc)) / nullif(positives * negatives, 0) as auc_variance
    from hanley_mcneil_terms
),

hanley_mcneil as (
    select
        hanley_mcneil_variance.*,
        case when auc_variance > 0 then sqrt(auc_variance) when auc_variance is not null then 0 end as realized_auc_se
    from hanley_mcneil_variance
)

select
    runs.model_name,
    runs.model_version,
    runs.run_id,
    runs.scored_at,
    runs.scored,
    runs.open_when_scored,
    coalesce(hanley_mcneil.closed_since, 0) as closed_since,
    coalesce(hanley_mcneil.won_since, 0) as won_since,
    hanley_mcneil.realized_auc,
    case
        when hanley_mcneil.realized_auc - 1.96 * hanley_mcneil.realized_auc_se < 0 then 0
        else hanley_mcneil.realized_auc - 1.96 * hanley_mcneil.realized_auc_se
    end as realized_auc_low,
    case
        when hanley_mcneil.realized_auc + 1.96 * hanley_mcneil.realized_auc_se > 1 then 1
        else hanley_mcneil.realized_auc + 1.96 * hanley_mcneil.realized_auc_se
    end as realized_auc_high,
    hanley_mcneil.brier,
    calibration.calibration_error
from runs
left join hanley_mcneil
    on hanley_mcneil.model_name = runs.model_name
    and hanley_mcneil.model_version = runs.model_version
    and hanley_mcneil.run_id = runs.run_id
left join calibration
    on calibration.model_name = runs.model_name
    and calibration.model_version = runs.model_version
    and calibration.run_id = runs.run_id
