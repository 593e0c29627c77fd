-- Grain: one row per Salesforce account (raw.salesforce_accounts; optional source, may be empty).
with accounts as (select * from raw.salesforce_accounts)

select
    trim(account_id) as account_id,
    nullif(trim(account_name), '') as account_name,
    nullif(trim(industry), '') as industry,
    cast(employee_count as bigint) as employee_count,
    cast(annual_revenue_usd as decimal(18, 2)) as annual_revenue_usd,
    nullif(trim(country), '') as country,
    nullif(trim(region), '') as region,
    created_date as account_created_date,
    _file as source_file,
    _line as source_line
from accounts
