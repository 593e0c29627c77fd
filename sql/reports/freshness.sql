-- Report dataset: how fresh each dated source was in the published build. Grain: one row per source in
-- gtm_meta.source_freshness for that build, with its newest date and its age in days on the day the report is written.
-- status: 'ok' up to 2 days old, 'warn' up to 7, 'error' beyond (the defaults of gtm test --warn-after / --error-after).
with builds as (select * from gtm_meta.builds),

freshness as (select * from gtm_meta.source_freshness),

published as (
    select build_id
    from builds
    where status = 'published'
    qualify row_number() over (order by build_id desc nulls last) = 1
),

aged as (
    select
        freshness.source,
        freshness.date_column,
        freshness.newest_date,
        cast(current_date as date) - freshness.newest_date as age_days
    from freshness
    inner join published on freshness.build_id = published.build_id
)

select
    source,
    date_column,
    newest_date,
    age_days,
    case
        when age_days is null or age_days > 7 then 'error'
        when age_days > 2 then 'warn'
        else 'ok'
    end as status
from aged
order by source
