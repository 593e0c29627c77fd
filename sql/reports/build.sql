-- Report dataset: when the data was built. Grain: one row, the published build in gtm_meta.builds
-- (the one the mart views point at) and the date range core.dim_dates covers.
with builds as (select * from gtm_meta.builds),

dates as (select * from core.dim_dates),

published as (
    select build_id, started_at, finished_at, published_at, models, tests_passed, tests_failed
    from builds
    where status = 'published'
    qualify row_number() over (order by build_id desc nulls last) = 1
),

coverage as (
    select min(date_day) as first_date, max(date_day) as last_date, count(*) as days
    from dates
)

select
    published.build_id,
    published.started_at,
    published.finished_at,
    published.published_at,
    published.models,
    published.tests_passed,
    published.tests_failed,
    coverage.first_date,
    coverage.last_date,
    coverage.days
from published
cross join coverage
