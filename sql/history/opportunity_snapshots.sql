-- History table (written by every load, not built from a model): the opportunities' stage history across loads, a
-- slowly changing dimension type 2 (dbt snapshot style). Grain: one row per opportunity_id and state, valid from the
-- load that first saw the state (valid_from, load_id) until the load that saw it change or disappear (valid_to;
-- null for the current row). The state is account, stage, amount, close date, owner and owner region
-- (queries/opportunity_state.sql); a load that changes no opportunity adds nothing. Builds never replace it.
create table if not exists history.opportunity_snapshots (
    opportunity_id varchar not null,
    account_id varchar,
    stage_name varchar not null,
    amount_usd decimal(18, 2),
    close_date date,
    owner_id varchar,
    owner_region varchar,
    valid_from timestamp not null,
    valid_to timestamp,
    load_id bigint not null
)
