using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Tables;

/// <summary>One column of a <see cref="DeclaredTable"/>: its name, SQL type and whether it may be NULL.</summary>
public sealed record DeclaredColumn(string Name, string Type, bool NotNull);

/// <summary>
/// A table GtmMart writes itself rather than builds from a model (the score write-back's tables), declared by one
/// portable <c>create table if not exists schema.name (...)</c> file under <c>sql/</c>: one column a line,
/// <c>name type [not null]</c>, with the types every engine shares (varchar, integer, bigint, double, boolean, date,
/// timestamp, and <c>decimal(p, s)</c> for exact money). The dialect test checks the file like every other SQL file.
/// </summary>
public sealed partial record DeclaredTable(string Schema, string Name, IReadOnlyList<DeclaredColumn> Columns, string Sql, string Source)
{
    public static readonly IReadOnlyList<string> Types = ["varchar", "integer", "bigint", "double", "boolean", "date", "timestamp"];

    public string QualifiedName => $"{Schema}.{Name}";

    public IReadOnlyList<string> ColumnNames => [.. Columns.Select(c => c.Name)];

    /// <summary>Reads a declaration, failing with the file and line of anything it does not understand.</summary>
    public static DeclaredTable Parse(string sql, string source)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var text = CommentPattern().Replace(sql, "").Trim().TrimEnd(';').Trim();
        var match = TablePattern().Match(text);
        if (!match.Success)
        {
            throw new WarehouseException($"{source}: expected one 'create table if not exists schema.name (column type [not null], ...)' statement.");
        }

        var columns = new List<DeclaredColumn>();
        var lines = match.Groups["body"].Value.Split('\n').Select(l => l.Trim().TrimEnd(',').Trim()).Where(l => l.Length > 0);
        foreach (var line in lines)
        {
            var column = ColumnPattern().Match(line);
            var type = column.Success ? Normalized(column.Groups["type"].Value) : "";
            if (!column.Success || !(Types.Contains(type) || DecimalPattern().IsMatch(type)))
            {
                throw new WarehouseException(
                    $"{source}: cannot read the column '{line}' (one a line: name, one of {string.Join(", ", Types)} or decimal(p, s), optionally 'not null').");
            }

            columns.Add(new DeclaredColumn(column.Groups["name"].Value.ToLowerInvariant(), type, column.Groups["notnull"].Success));
        }

        var duplicate = columns.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null || columns.Count == 0)
        {
            throw new WarehouseException($"{source}: {(duplicate is null ? "declares no column" : $"declares {duplicate.Key} twice")}.");
        }

        return new DeclaredTable(match.Groups["schema"].Value.ToLowerInvariant(), match.Groups["name"].Value.ToLowerInvariant(), columns, text, source);
    }

    /// <summary>
    /// Creates the schema and the table when missing. A table created by an older release gets the columns declared
    /// since, added nullable (its earlier rows have no value for them).
    /// </summary>
    public void Ensure(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Execute($"create schema if not exists {Schema}");
        connection.Execute(Sql);
        var existing = connection.Query(
                "select lower(column_name) from information_schema.columns where lower(table_schema) = $schema and lower(table_name) = $table",
                r => r.GetString(0),
                ("schema", Schema), ("table", Name))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var column in Columns.Where(c => !existing.Contains(c.Name)))
        {
            // 'add if not exists' is the form DuckDB and Snowflake share.
            connection.Execute(string.Create(CultureInfo.InvariantCulture, $"alter table {QualifiedName} add if not exists {column.Name} {column.Type}"));
        }
    }

    [GeneratedRegex(@"--[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex CommentPattern();

    [GeneratedRegex(@"^create\s+table\s+if\s+not\s+exists\s+(?<schema>[A-Za-z_][A-Za-z0-9_]*)\.(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?<body>.*)\)$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex TablePattern();

    /// <summary>A type as declared, lower case, a decimal's precision and scale written <c>decimal(p, s)</c>.</summary>
    private static string Normalized(string type) => WhitespacePattern().Replace(type.ToLowerInvariant(), "").Replace(",", ", ", StringComparison.Ordinal);

    [GeneratedRegex(@"^(?<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?<type>[A-Za-z]+(\s*\(\s*[0-9]+\s*,\s*[0-9]+\s*\))?)(?<notnull>\s+not\s+null)?$", RegexOptions.IgnoreCase)]
    private static partial Regex ColumnPattern();

    [GeneratedRegex(@"^decimal\([0-9]{1,2}, [0-9]{1,2}\)$")]
    private static partial Regex DecimalPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespacePattern();
}
