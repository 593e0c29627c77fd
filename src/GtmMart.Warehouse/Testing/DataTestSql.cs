namespace GtmMart.Warehouse.Testing;

/// <summary>The SQL behind each kind of data test: a query whose rows are the failures. Portable across engines.</summary>
internal static class DataTestSql
{
    public static DataTest NotNull(string model, string column, string path) =>
        RowLevel(model, "not_null", column, $"not_null({model}.{column})", $"{column} is null", path);

    public static DataTest Unique(string model, string column, string path) => new(
        model, "unique", column, $"unique({model}.{column})",
        $"select {column}, count(*) as occurrences from {model} where {column} is not null group by {column} having count(*) > 1", path)
    { KeyColumns = [column], FailingGroupPredicate = $"count({column}) > 1" };

    public static DataTest UniqueCombination(string model, IReadOnlyList<string> columns, string path)
    {
        var list = string.Join(", ", columns);
        return new(
            model, "primary_key", list, $"primary_key({model}: {list})",
            $"select {list}, count(*) as occurrences from {model} group by {list} having count(*) > 1", path)
        { KeyColumns = columns, FailingGroupPredicate = "count(*) > 1" };
    }

    public static DataTest AcceptedValues(string model, string column, IReadOnlyList<string> values, string path)
    {
        var list = string.Join(", ", values.Select(v => "'" + v.Replace("'", "''", StringComparison.Ordinal) + "'"));
        var failing = $"{column} is not null and {column} not in ({list})";
        return new(
            model, "accepted_values", column, $"accepted_values({model}.{column})",
            $"select {column}, count(*) as occurrences from {model} where {failing} group by {column}", path, failing);
    }

    /// <summary>
    /// The child's values not found among the parent's. The parent's field is read as its distinct values: a field that
    /// repeats (a run id shared by a million score rows) joined row to row would pair every child row with every
    /// parent row of its value.
    /// </summary>
    public static DataTest Relationship(string model, string column, string to, string field, string path) => new(
        model, "relationships", column, $"relationships({model}.{column} -> {to}.{field})",
        $"select child.{column}, count(*) as occurrences from {model} as child left join (select distinct {field} from {to}) as parent on child.{column} = parent.{field} " +
        $"where child.{column} is not null and parent.{field} is null group by child.{column}", path)
    { Parent = (to, field) };

    public static DataTest Expression(string model, string expression, string path) =>
        RowLevel(model, "expression", null, $"expression({model}: {expression})", $"not ({expression})", path);

    /// <summary>A test over groups: the failures are the groups of <paramref name="groupBy"/> whose aggregate predicate is false.</summary>
    public static DataTest GroupExpression(string model, IReadOnlyList<string> groupBy, string expression, string path)
    {
        var list = string.Join(", ", groupBy);
        return new(
            model, "expression", list, $"expression({model} per {list}: {expression})",
            $"select {list}, count(*) as group_rows from {model} group by {list} having not ({expression})", path)
        { KeyColumns = groupBy, FailingGroupPredicate = $"not ({expression})" };
    }

    /// <summary>A test whose failing rows are the rows of <paramref name="model"/> meeting <paramref name="failing"/> (also its screening predicate).</summary>
    private static DataTest RowLevel(string model, string kind, string? column, string name, string failing, string path) => new(
        model, kind, column, name, $"select * from {model} where {failing}", path, failing);
}
