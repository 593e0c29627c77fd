#!/usr/bin/env node
// Dialect check for the SQL models, report queries and table declarations: every file under sql/ (staging, core,
// mart, reports, scores and history) must run unchanged on DuckDB and Snowflake.
//
//   node check.mjs [folder]                 check every .sql file under folder and its subfolders (default: ../../sql)
//   node check.mjs --statements FILE|-      check a JSON array of statements (strings or {name, sql})
//                                           meant for Snowflake only (e.g. the Snowflake adapter's DDL):
//                                           they must parse and survive a Snowflake round trip
//                                           (GET, REMOVE, CREATE STAGE and ALTER SCHEMA ... SWAP WITH,
//                                           which the SDK keeps unparsed, must match STRUCTURAL below);
//                                           --stdin-statements is --statements -; add --portable to
//                                           apply the full model checks instead
//   node check.mjs --self-test              assert known-bad snippets fail and a known-good one passes
//
// Model checks (per file):
//   1. parses in the Snowflake dialect, as exactly one SELECT (CTEs allowed), no trailing semicolon;
//   2. no DuckDB-only (or Snowflake-only) function/construct from DENY below;
//   3. DuckDB-written and Snowflake-written forms agree: transpile(duckdb->duckdb) vs
//      transpile(duckdb->snowflake) (catches rewrites such as FILTER -> COUNT_IF, EXTRACT -> DATE_PART);
//   4. the DuckDB and Snowflake readings agree: transpile(duckdb->W) vs transpile(snowflake->W) for
//      W in {snowflake, duckdb} (catches DATEADD, RANGE, IIF, GREATEST/LEAST null semantics, ...).
// Comparisons are token-wise after normalizing case, quoting, whitespace, comments, type synonyms,
// `!=`/`<>`, `AS`, INNER/OUTER, interval spelling, `CURRENT_TIMESTAMP()`, and `NOT x IS NULL` / `NOT x IN (...)`
// vs `x IS NOT NULL` / `x NOT IN (...)`.
// Table declarations (files in a folder named `scores` or `history`, the tables GtmMart writes itself): exactly one
// `create table if not exists schema.name (...)` whose columns use the portable types (varchar, integer, bigint,
// double, boolean, date, timestamp, decimal(p, s), optionally NOT NULL), none of DENY but the DDL rule, and the same three
// transpile agreements as a model.
// Parameterized queries (files in a folder named `api`, run by the gRPC service with values bound as parameters):
// each `$name` placeholder (outside string literals) is checked as the positional `?` it becomes on Snowflake
// (ParameterStyle), then the file passes the model checks like any other.
// Output: one line per file ("ok <file>" or "FAIL <file>: <reason>"); exit code 1 on any failure.

import { parse, transpile, tokenize } from '@polyglot-sql/sdk';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// [pattern, reason]; matched case-insensitively against the SQL with comments removed and
// string literals emptied (so `datediff('day'` is seen as `datediff(''`).
const DENY = [
  [/\b(read_csv|read_csv_auto|read_parquet|read_json|read_json_auto|parquet_scan|csv_scan)\s*\(/, 'DuckDB file reader'],
  [/\bgenerate_series\s*\(/, 'generate_series (use a recursive CTE spine)'],
  [/\brange\s*\(/, 'range() table function'],
  [/\bgenerator\s*\(/, 'Snowflake GENERATOR'],
  [/\b(list_value|list_pack|struct_pack|struct_extract|list_extract|array_length|unnest|flatten)\s*\(/, 'list/struct function'],
  [/\blist\s*\(/, 'DuckDB list() aggregate'],
  [/::/, '`::` cast (use cast(x as type))'],
  [/\bfilter\s*\(\s*where\b/, 'aggregate FILTER (WHERE ...) (use sum(case when ... then 1 else 0 end))'],
  [/\b(strftime|strptime|date_format|to_char|to_varchar)\s*\(/, 'engine-specific date formatting'],
  [/\b(epoch|epoch_ms|epoch_us|epoch_ns|to_timestamp|make_date|make_timestamp)\s*\(/, 'engine-specific epoch/timestamp construction'],
  [/\b(date_diff|datediff|timestampdiff|date_add|dateadd|timestampadd|date_sub|datesub|time_bucket|date_part|datepart)\s*\(/, 'engine-specific date function (use date - date, date + integer, date_trunc)'],
  [/\b(dayofweek|dayofweekiso|isodow|dow|dayname|monthname|weekday|yearweek|weekofyear|week|isoyear)\s*\(/, 'day/week function whose result differs by engine or WEEK_START'],
  [/\bextract\s*\(/, 'EXTRACT (rewritten to DATE_PART for Snowflake; use year()/month()/quarter()/dayofmonth())'],
  [/\b(ifnull|iif|iff|nvl|nvl2|zeroifnull|nullifzero|decode|div0|div0null)\s*\(/, 'non-portable null/conditional function (use coalesce/nullif/case)'],
  [/\b(string_agg|group_concat|listagg|array_agg|string_split|str_split|regexp_matches|regexp_extract|regexp_substr|strpos|instr|charindex|starts_with|startswith|ends_with|endswith|len|editdistance|levenshtein|printf|format)\s*\(/, 'string/array function with different names or semantics'],
  [/\b(now|today|getdate|sysdate|current_timestamp|uuid|gen_random_uuid|random|uniform)\s*\(/, 'non-deterministic function'],
  [/\b(hugeint|uhugeint|ubigint|uinteger|usmallint|utinyint|timestamptz|timestamp_tz|timestamp_ntz|timestamp_ltz|variant|struct|map|blob|json)\b/, 'engine-specific data type'],
  [/\b(pivot|unpivot)\b/, 'PIVOT/UNPIVOT syntax differs'],
  [/\busing\s+sample\b|\btablesample\b|\bsample\s*\(/, 'sampling syntax differs'],
  [/\bconnect\s+by\b|\bmatch_recognize\b|\blateral\b|\bpositional\s+join\b|\basof\s+join\b/, 'engine-specific join/query construct'],
  [/\bselect\s+(\*\s+)?(exclude|replace|rename)\b|\*\s*(exclude|replace|rename|columns)\s*\(|\bcolumns\s*\(/, 'star modifiers/COLUMNS() differ'],
  [/->>?|\$\w+/, 'JSON arrow / $ variable'],
  [/[[\]{}]/, 'list/struct/array literal or subscript'],
  [/\b(create|insert|update|delete|merge|drop|alter|truncate|copy|attach|install|load|pragma|set|call)\b/, 'DDL/DML/command (models are one SELECT)'],
];

const TYPE_SYNONYMS = {
  integer: 'int', int4: 'int', text: 'varchar', string: 'varchar', numeric: 'decimal', number: 'decimal',
  float8: 'double', float: 'double', real: 'double', bool: 'boolean', int8: 'bigint', '!=': '<>',
};
const DROP = new Set(['as', 'inner', 'outer']);

function stripCommentsAndStrings(sql) {
  let out = '';
  for (let i = 0; i < sql.length;) {
    const c = sql[i], n = sql[i + 1];
    if (c === '-' && n === '-') { while (i < sql.length && sql[i] !== '\n') i++; continue; }
    if (c === '/' && n === '*') { const e = sql.indexOf('*/', i + 2); i = e < 0 ? sql.length : e + 2; out += ' '; continue; }
    if (c === "'") {
      i++;
      while (i < sql.length) { if (sql[i] === "'" && sql[i + 1] === "'") i += 2; else if (sql[i] === "'") break; else i++; }
      i++; out += "''"; continue;
    }
    if (c === '"') { // quoted identifier: keep its text, drop the quotes
      const e = sql.indexOf('"', i + 1); out += e < 0 ? sql.slice(i + 1) : sql.slice(i + 1, e); i = e < 0 ? sql.length : e + 1; continue;
    }
    out += c; i++;
  }
  return out;
}

// Normalized token list of a SQL text, or throws.
function tokens(sql) {
  const r = tokenize(sql, 'snowflake');
  if (!r.success) throw new Error(`tokenize failed: ${r.error}`);
  let t = r.tokens.map(k => {
    const type = k.token_type ?? k.tokenType;
    if (type === 'STRING') return `'${k.text.toLowerCase()}'`;
    const x = k.text.toLowerCase();
    return TYPE_SYNONYMS[x] ?? x;
  }).filter(x => !DROP.has(x) && x !== ';');
  // INTERVAL '1' DAY == INTERVAL '1 DAY'
  for (let i = 0; i + 2 < t.length; i++) {
    if (t[i] === 'interval' && /^'[^ ]+'$/.test(t[i + 1]) && /^[a-z]+$/.test(t[i + 2])) {
      t.splice(i + 1, 2, `${t[i + 1].slice(0, -1)} ${t[i + 2]}'`);
    }
  }
  // CURRENT_TIMESTAMP() == CURRENT_TIMESTAMP
  for (let i = 0; i + 2 < t.length; i++) {
    if (t[i] === 'current_timestamp' && t[i + 1] === '(' && t[i + 2] === ')') t.splice(i + 1, 2);
  }
  // NOT <operand> IS NULL == <operand> IS NOT NULL (operand: dotted name, optional call args, or parens)
  for (let i = 0; i < t.length; i++) {
    if (t[i] !== 'not') continue;
    let j = i + 1;
    const isName = x => x !== undefined && /^[a-z_][\w$]*$/.test(x) && !['not', 'is', 'null', 'case', 'select', 'exists'].includes(x);
    if (isName(t[j])) { j++; while (t[j] === '.' && isName(t[j + 1])) j += 2; }
    if (t[j] === '(') {
      let depth = 0;
      do { if (t[j] === '(') depth++; else if (t[j] === ')') depth--; j++; } while (j < t.length && depth > 0);
    }
    if (j > i + 1 && t[j] === 'is' && t[j + 1] === 'null') {
      t.splice(i, j + 2 - i, ...t.slice(i + 1, j), 'is', 'not', 'null');
    } else if (j > i + 1 && t[j] === 'in' && t[j + 1] === '(') {
      t.splice(i, j + 1 - i, ...t.slice(i + 1, j), 'not', 'in'); // NOT x IN (...) == x NOT IN (...)
    }
  }
  return t;
}

function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) return null;
  const frag = x => x.slice(Math.max(0, i - 4), i + 6).join(' ');
  return { left: frag(a), right: frag(b) };
}

const txCache = new Map();
function tx(sql, from, to) {
  const key = `${from}>${to}>${sql}`;
  if (!txCache.has(key)) txCache.set(key, transpile(sql, from, to));
  const r = txCache.get(key);
  if (!r.success) throw new Error(`transpile ${from}->${to} failed: ${r.error}`);
  return r.sql.join(';\n');
}

function compare(sql, [fa, ta], [fb, tb]) {
  const a = tx(sql, fa, ta), b = tx(sql, fb, tb);
  const d = firstDifference(tokens(a), tokens(b));
  return d && `${fa}->${ta} differs from ${fb}->${tb}: \`${d.left}\` vs \`${d.right}\``;
}

// Returns null when fine, else the reason.
export function checkModel(sql, { deny = true } = {}) {
  const p = parse(sql, 'snowflake');
  if (!p.success) return `Snowflake parse error: ${p.error}`;
  if (p.ast.length !== 1) return `expected one statement, found ${p.ast.length}`;
  const kind = Object.keys(p.ast[0])[0];
  if (!['select', 'union', 'intersect', 'except'].includes(kind)) return `expected a SELECT, found ${kind}`;
  if (/;\s*$/.test(stripCommentsAndStrings(sql))) return 'trailing semicolon';
  const bare = stripCommentsAndStrings(sql).toLowerCase();
  for (const [re, reason] of deny ? DENY : []) {
    const m = bare.match(re);
    if (m) return `not portable: ${reason} (\`${bare.slice(Math.max(0, m.index - 20), m.index + m[0].length + 20).replace(/\s+/g, ' ').trim()}\`)`;
  }
  return compare(sql, ['duckdb', 'duckdb'], ['duckdb', 'snowflake'])
    ?? compare(sql, ['duckdb', 'snowflake'], ['snowflake', 'snowflake'])
    ?? compare(sql, ['duckdb', 'duckdb'], ['snowflake', 'duckdb']);
}

const PORTABLE_TYPES = new Set(['varchar', 'integer', 'bigint', 'double', 'boolean', 'date', 'timestamp']);

// Returns null when fine, else the reason.
export function checkTableDeclaration(sql) {
  const p = parse(sql, 'snowflake');
  if (!p.success) return `Snowflake parse error: ${p.error}`;
  if (p.ast.length !== 1) return `expected one statement, found ${p.ast.length}`;
  const kind = Object.keys(p.ast[0])[0];
  if (kind !== 'create_table') return `expected CREATE TABLE, found ${kind}`;
  const bare = stripCommentsAndStrings(sql).toLowerCase();
  if (/;\s*$/.test(bare)) return 'trailing semicolon';
  const m = bare.trim().match(/^create\s+table\s+if\s+not\s+exists\s+[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*\s*\(([\s\S]*)\)$/);
  if (!m) return 'expected `create table if not exists schema.name (column type [not null], ...)`';
  // Commas inside a type's parentheses (decimal(18, 2)) do not separate columns.
  for (const column of m[1].split(/,(?![^(]*\))/).map(c => c.trim())) {
    const c = column.match(/^([a-z_][a-z0-9_]*)\s+([a-z]+|decimal\s*\(\s*\d{1,2}\s*,\s*\d{1,2}\s*\))(\s+not\s+null)?$/);
    if (!c || !(PORTABLE_TYPES.has(c[2]) || c[2].startsWith('decimal'))) return `column \`${column}\` is not \`name type [not null]\` with a portable type (${[...PORTABLE_TYPES].join(', ')}, decimal(p, s))`;
  }
  for (const [re, reason] of DENY.filter(([re]) => !/create\|insert/.test(re.source))) {
    const d = bare.match(re);
    if (d) return `not portable: ${reason} (\`${bare.slice(Math.max(0, d.index - 20), d.index + d[0].length + 20).replace(/\s+/g, ' ').trim()}\`)`;
  }
  return compare(sql, ['duckdb', 'duckdb'], ['duckdb', 'snowflake'])
    ?? compare(sql, ['duckdb', 'snowflake'], ['snowflake', 'snowflake'])
    ?? compare(sql, ['duckdb', 'duckdb'], ['snowflake', 'duckdb']);
}

// Statements the SDK does not parse into a real statement (it keeps them as an opaque `raw`/`command` node and
// would accept any text after the keyword). Each must match its strict grammar here instead; anything else
// opaque fails. Stage paths are @schema.stage/segment/...; local files are quoted absolute file:// URIs.
const STAGE = String.raw`@[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*(/[a-z0-9_][a-z0-9_.-]*)*/`;
const FILE_URI = String.raw`'file://[^'\n]+'`;
const STRUCTURAL = [
  ['GET', new RegExp(String.raw`^GET ${STAGE} ${FILE_URI}$`, 'i')],
  ['REMOVE', new RegExp(String.raw`^REMOVE ${STAGE}$`, 'i')],
  ['CREATE STAGE', /^create stage if not exists [a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/i],
  ['ALTER SCHEMA SWAP', /^alter schema [a-z_][a-z0-9_]* swap with [a-z_][a-z0-9_]*$/i],
];
// Options COPY INTO and PUT may carry (the SDK accepts any word as an option name, so typos must be caught here).
const COPY_OPTIONS = new Set(['FILE_FORMAT', 'ON_ERROR', 'MATCH_BY_COLUMN_NAME', 'INCLUDE_METADATA', 'FORCE', 'HEADER', 'SINGLE', 'OVERWRITE', 'MAX_FILE_SIZE', 'PURGE']);
const PUT_OPTIONS = new Set(['AUTO_COMPRESS', 'OVERWRITE', 'PARALLEL', 'SOURCE_COMPRESSION']);

// A statement meant for Snowflake only: it must parse into a real statement (or match its strict grammar above),
// and survive a Snowflake round trip unchanged (the parser is lenient; a rewrite means it read a construct
// Snowflake does not have).
export function checkSnowflakeStatement(sql) {
  const p = parse(sql, 'snowflake');
  if (!p.success) return `Snowflake parse error: ${p.error}`;
  if (p.ast.length !== 1) return `expected one statement, found ${p.ast.length}`;
  const [kind] = Object.keys(p.ast[0]);
  const node = p.ast[0][kind];
  if (kind === 'raw' || kind === 'command') {
    const text = sql.trim().replace(/\s+/g, ' ');
    const rule = STRUCTURAL.find(([, re]) => re.test(text));
    return rule ? null : `not parsed by the SDK and matches no strict grammar (${STRUCTURAL.map(([n]) => n).join(', ')})`;
  }
  if (kind === 'copy') {
    if (!node.kind || node.files.length === 0) return 'COPY INTO without a FROM source';
    const bad = node.params.map(x => x.name.toUpperCase()).filter(n => !COPY_OPTIONS.has(n));
    if (bad.length) return `COPY INTO with unknown option(s) ${bad.join(', ')}`;
  }
  if (kind === 'put') {
    if (!/^file:\/\/\//.test(node.source) && !/^file:\/\/[a-z]:/i.test(node.source)) return 'PUT source is not an absolute file:// path';
    const bad = node.params.map(x => x.name.toUpperCase()).filter(n => !PUT_OPTIONS.has(n));
    if (bad.length) return `PUT with unknown option(s) ${bad.join(', ')}`;
  }
  const d = firstDifference(tokens(sql), tokens(tx(sql, 'snowflake', 'snowflake')));
  return d && `rewritten by a Snowflake round trip: \`${d.left}\` vs \`${d.right}\``;
}

// `$name` placeholders outside string literals and quoted identifiers, as positional `?`.
export function positionalParameters(sql) {
  let out = '';
  for (let i = 0; i < sql.length;) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length) { if (sql[j] === c && sql[j + 1] === c) j += 2; else if (sql[j] === c) break; else j++; }
      out += sql.slice(i, j + 1); i = j + 1; continue;
    }
    if (c === '-' && sql[i + 1] === '-') { const e = sql.indexOf('\n', i); const j = e < 0 ? sql.length : e; out += sql.slice(i, j); i = j; continue; }
    const m = c === '$' ? /^\$[a-z_][a-z0-9_]*/i.exec(sql.slice(i)) : null;
    if (m && !/[\w$]/.test(sql[i - 1] ?? ' ')) { out += '?'; i += m[0].length; continue; }
    out += c; i++;
  }
  return out;
}

function safe(fn, sql) {
  try { return fn(sql); } catch (e) { return String(e.message ?? e); }
}

function listSql(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listSql(p));
    else if (e.name.endsWith('.sql')) out.push(p);
  }
  return out.sort();
}

function report(items, fn) {
  let failed = 0;
  for (const item of items) {
    const { name, sql } = item;
    const reason = safe(s => fn(s, item), sql);
    if (reason) failed++;
    console.log(reason ? `FAIL ${name}: ${reason}` : `ok   ${name}`);
  }
  console.log(`${items.length - failed} passed, ${failed} failed`);
  return failed === 0;
}

function selfTest() {
  const bad = {
    'count filter': 'select count(*) filter (where x > 1) as n from t',
    'double colon cast': 'select a::int as a from t',
    'read_csv': "select * from read_csv('x.csv')",
    'generate_series': 'select * from generate_series(1, 10)',
    'range': 'select * from range(10)',
    'dateadd': 'select dateadd(day, 1, d) as d from t',
    'datediff': "select datediff('day', a, b) as n from t",
    'strftime': "select strftime(d, '%Y') as y from t",
    'extract': 'select extract(year from d) as y from t',
    'iif': 'select iif(a, 1, 2) as x from t',
    'list literal': 'select [1, 2] as l',
    'ddl': 'create table x as select 1 as a',
    'two statements': 'select 1 as a; select 2 as b',
    'trailing semicolon': 'select 1 as a;',
    'parse error': 'select from where',
  };
  const good = `-- grain: one row per day
with recursive digits (n) as (select 0 union all select n + 1 from digits where n < 9),
t as (select cast('2025-01-01' as date) + cast(n as integer) as d, n from digits)
select d, cast(date_trunc('month', d) as date) as month_start, year(d) as year, n % 7 as r,
  sum(case when n > 1 then 1 else 0 end) over (order by d rows between 6 preceding and current row) as s,
  d - cast('1900-01-01' as date) as days, coalesce(nullif(n, 0), 1) as x
from t where d is not null and n != 3 group by all qualify row_number() over (partition by d order by n) = 1`;
  let ok = true;
  for (const [name, sql] of Object.entries(bad)) {
    const reason = safe(checkModel, sql);
    console.log(reason ? `ok   caught ${name}: ${reason}` : `FAIL not caught: ${name}`);
    ok &&= !!reason;
  }
  // The transpile comparisons alone (deny-list off) must still catch these rewrites.
  for (const name of ['count filter', 'range', 'dateadd', 'datediff', 'extract', 'iif']) {
    const reason = safe(sql => checkModel(sql, { deny: false }), bad[name]);
    console.log(reason ? `ok   transpile comparison catches ${name}: ${reason}` : `FAIL transpile comparison misses: ${name}`);
    ok &&= !!reason;
  }
  const reason = safe(checkModel, good);
  console.log(reason ? `FAIL good snippet rejected: ${reason}` : 'ok   good snippet passes');
  ok &&= !reason;
  const table = 'create table if not exists mart.t (\n  id varchar not null,\n  n integer,\n  at timestamp not null\n)';
  const tableReason = safe(checkTableDeclaration, table);
  console.log(tableReason ? `FAIL good table declaration rejected: ${tableReason}` : 'ok   good table declaration passes');
  ok &&= !tableReason;
  for (const sql of [
    'create table mart.t (id varchar)',
    'create table if not exists mart.t (id hugeint)',
    'create table if not exists mart.t (id varchar primary key)',
    'create table if not exists mart.t (id varchar);',
    'create table if not exists mart.t as select 1 as id',
    'select 1 as id',
  ]) {
    const r = safe(checkTableDeclaration, sql);
    console.log(r ? `ok   caught table declaration: ${sql}: ${r}` : `FAIL table declaration not caught: ${sql}`);
    ok &&= !!r;
  }
  const parameterized = positionalParameters("select '$x' as a, METADATA$FILE_ROW_NUMBER as r from t where b = $from -- $c\n and c = $c");
  const expected = "select '$x' as a, METADATA$FILE_ROW_NUMBER as r from t where b = ? -- $c\n and c = ?";
  console.log(parameterized === expected ? 'ok   $name placeholders become ?' : `FAIL placeholders: ${parameterized}`);
  ok &&= parameterized === expected;
  const sf = safe(checkSnowflakeStatement, 'create or replace table a.b clone a.c');
  console.log(sf ? `FAIL Snowflake statement rejected: ${sf}` : 'ok   Snowflake statement passes');
  const sfBad = safe(checkSnowflakeStatement, 'select count(*) filter (where x) from t');
  console.log(sfBad ? 'ok   non-Snowflake statement caught' : 'FAIL non-Snowflake statement not caught');
  ok &&= !sf && !!sfBad;
  // File transfer, COPY and schema swap: good forms pass, near misses fail (GET and ALTER SCHEMA are opaque to
  // the SDK and checked by STRUCTURAL; COPY and PUT options by name).
  const transfer = {
    good: [
      "PUT 'file:///tmp/x/a.csv' @gtm_meta.gtm_stage/load/1/a/ AUTO_COMPRESS = TRUE OVERWRITE = TRUE",
      "GET @gtm_meta.gtm_stage/export/e_1/ 'file:///tmp/out/'",
      'REMOVE @gtm_meta.gtm_stage/load/1/',
      'create stage if not exists gtm_meta.gtm_stage',
      'alter schema mart swap with mart__b0007',
      "COPY INTO raw.t FROM @gtm_meta.gtm_stage/load/1/t/ FILE_FORMAT = (TYPE = CSV) ON_ERROR = CONTINUE FORCE = TRUE",
    ],
    bad: [
      "PUT 'file:///tmp/a.csv' @gtm_meta.gtm_stage/a/ AUTO_COMPRES = TRUE",
      "PUT 'relative/a.csv' @gtm_meta.gtm_stage/a/",
      'GET nonsense',
      "GET @gtm_meta.gtm_stage/x 'file:///tmp/'",
      "GET @gtm_meta.gtm_stage/x/ '/tmp/'",
      'REMOVE gtm_meta.gtm_stage/x/',
      'alter schema mart swop with mart__b0007',
      'alter schema mart swap mart__b0007',
      'COPY INTO raw.t FRM nothing',
      "COPY INTO raw.t FROM @gtm_meta.gtm_stage/x/ ON_EROR = CONTINUE",
    ],
  };
  for (const sql of transfer.good) {
    const r = safe(checkSnowflakeStatement, sql);
    console.log(r ? `FAIL good Snowflake statement rejected: ${sql}: ${r}` : `ok   passes: ${sql}`);
    ok &&= !r;
  }
  for (const sql of transfer.bad) {
    const r = safe(checkSnowflakeStatement, sql);
    console.log(r ? `ok   caught: ${sql}: ${r}` : `FAIL not caught: ${sql}`);
    ok &&= !!r;
  }
  console.log(ok ? 'self-test passed' : 'self-test FAILED');
  return ok;
}

function main(argv) {
  if (argv.includes('--self-test')) return selfTest();
  const si = argv.indexOf('--statements');
  if (si >= 0 || argv.includes('--stdin-statements')) {
    const src = si >= 0 ? argv[si + 1] ?? '-' : '-';
    const list = JSON.parse(fs.readFileSync(src === '-' ? 0 : src, 'utf8'));
    const items = list.map((s, i) => typeof s === 'string' ? { name: `#${i + 1}`, sql: s } : { name: s.name ?? `#${i + 1}`, sql: s.sql });
    return report(items, argv.includes('--portable') ? checkModel : checkSnowflakeStatement);
  }
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dir = argv.find(a => !a.startsWith('--')) ?? path.join(here, '..', '..', 'sql');
  const files = listSql(dir);
  if (files.length === 0) { console.log(`FAIL no .sql files under ${dir}`); return false; }
  const folder = f => path.basename(path.dirname(f));
  return report(
    files.map(f => ({ name: path.relative(process.cwd(), f), sql: fs.readFileSync(f, 'utf8'), folder: folder(f) })),
    (sql, item) => item.folder === 'scores' || item.folder === 'history' ? checkTableDeclaration(sql)
      : item.folder === 'api' ? checkModel(positionalParameters(sql))
      : checkModel(sql));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  process.exitCode = main(process.argv.slice(2)) ? 0 : 1;
}
