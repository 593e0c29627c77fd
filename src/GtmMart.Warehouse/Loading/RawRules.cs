namespace GtmMart.Warehouse.Loading;

/// <summary>
/// The row rules every engine applies after reading a file, as one portable SELECT: each record of the file exactly
/// once, typed, with its line number and, for a rejected record, the column, reason and offending value. Rules run
/// in order (required values, the source's rules, then duplicate keys); the first failure is recorded.
/// </summary>
internal static class RawRules
{
    /// <param name="source">The raw source.</param>
    /// <param name="present">The source's columns the file has.</param>
    /// <param name="typedSelect">A SELECT of every source column, typed, plus <c>_line</c>.</param>
    /// <param name="readerRejects">A table of the records the reader rejected: <c>_line, _reject_column, _reject_reason, _reject_value</c>.</param>
    /// <param name="quote">Quotes a column name as the engine stores it (Snowflake keeps unquoted names upper-case).</param>
    /// <param name="stages">The known opportunity stages (lower case), for the rule that names them.</param>
    public static string CheckedSelect(RawSource source, IReadOnlyCollection<RawColumn> present, string typedSelect, string readerRejects, Func<string, string> quote, IReadOnlyList<string>? stages = null)
    {
        var stageList = string.Join(", ", (stages ?? RawSources.Stages).Select(s => Literal(s.ToLowerInvariant())).DefaultIfEmpty("''"));
        var checks = source.Columns.Where(c => c.NotNull)
            .Select(c => (Column: c.Name, FailsWhen: c.Type == RawType.Text ? $"nullif(trim({quote(c.Name)}), '') is null" : $"{quote(c.Name)} is null", Reason: "missing required value"))
            .Concat(source.Rules.Where(r => present.Any(c => c.Name == r.Column))
                .Select(r => (r.Column, FailsWhen: r.FailsWhen.Replace(RawSources.StagesToken, stageList, StringComparison.Ordinal), r.Reason)))
            .ToList();
        var ruleColumn = checks.Count == 0 ? "cast(null as varchar)" : "case " + string.Join(" ", checks.Select(r => $"when {r.FailsWhen} then {Literal(r.Column)}")) + " end";
        var ruleReason = checks.Count == 0 ? "cast(null as varchar)" : "case " + string.Join(" ", checks.Select(r => $"when {r.FailsWhen} then {Literal(r.Reason)}")) + " end";
        var ruleValue = checks.Count == 0 ? "cast(null as varchar)" : "case " + string.Join(" ", checks.Select(r => $"when {r.FailsWhen} then cast({quote(r.Column)} as varchar)")) + " end";

        var key = string.Join(", ", source.Key.Select(quote));
        var keyText = string.Join(" || '/' || ", source.Key.Select(k => $"cast({quote(k)} as varchar)"));
        var keyName = string.Join("/", source.Key);
        var rejectColumns = string.Join(", ", source.Columns.Select(c => $"cast(null as {c.SqlType}) as {quote(c.Name)}"));
        return
            $"""
            with typed as (
                {typedSelect}
            ), ruled as (
                select *, {ruleColumn} as _reject_column, {ruleReason} as _reject_reason, {ruleValue} as _reject_value from typed
            ), keyed as (
                select *,
                       row_number() over (partition by _reject_reason is null, {key} order by _line) as _key_seen,
                       min(_line) over (partition by _reject_reason is null, {key}) as _key_first_line
                from ruled
            )
            select * exclude (_key_seen, _key_first_line, _reject_column, _reject_reason, _reject_value),
                   case when _reject_reason is null and _key_seen > 1 then {Literal(source.Key[0])} else _reject_column end as _reject_column,
                   case when _reject_reason is null and _key_seen > 1
                        then {Literal($"duplicate {keyName} (first seen on line ")} || cast(_key_first_line as varchar) || ')'
                        else _reject_reason end as _reject_reason,
                   case when _reject_reason is null and _key_seen > 1 then {keyText} else _reject_value end as _reject_value
            from keyed
            union all
            select {rejectColumns}, _line, _reject_column, _reject_reason, _reject_value from {readerRejects}
            """;
    }

    internal static string Q(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    internal static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
