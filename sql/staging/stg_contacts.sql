-- Grain: one row per CRM contact, keyed by web user_id (raw.crm_contacts; optional source, may be empty).
with contacts as (select * from raw.crm_contacts)

select
    trim(user_id) as user_id,
    nullif(trim(account_id), '') as account_id,
    nullif(trim(job_level), '') as job_level,
    nullif(trim(department), '') as department,
    _file as source_file,
    _line as source_line
from contacts
