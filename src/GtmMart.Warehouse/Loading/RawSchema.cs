namespace GtmMart.Warehouse.Loading;

public enum RawType
{
    Text,
    Date,
    WholeNumber,
    DecimalNumber,
}

/// <param name="Name">Column name as it appears in the file header (matched case-insensitively).</param>
/// <param name="Type">Type the value is read as.</param>
/// <param name="InFile">The file must have this column (otherwise the load fails before touching anything).</param>
/// <param name="NotNull">A row with an empty value here is rejected as "missing required value".</param>
public sealed record RawColumn(string Name, RawType Type, bool InFile = true, bool NotNull = true)
{
    public string SqlType => Type switch
    {
        RawType.Text => "VARCHAR",
        RawType.Date => "DATE",
        RawType.WholeNumber => "BIGINT",
        RawType.DecimalNumber => "DECIMAL(18,2)",
        _ => throw new ArgumentOutOfRangeException(nameof(Type), Type, null),
    };

    /// <summary>What a value that does not convert to <see cref="Type"/> is called in a reject reason.</summary>
    public string CastFailureReason => Type switch
    {
        RawType.Date => $"bad date in {Name}",
        RawType.WholeNumber => $"non-integer {Name}",
        RawType.DecimalNumber => $"non-numeric {Name}",
        _ => $"unreadable {Name}",
    };
}

/// <summary>A business rule on one row. <paramref name="FailsWhen"/> is a SQL predicate over the typed columns.</summary>
public sealed record RowRule(string Column, string FailsWhen, string Reason);

/// <summary>One raw source: its file name (without extension), its columns, its key and its rules.</summary>
public sealed record RawSource(
    string Name,
    bool Optional,
    IReadOnlyList<RawColumn> Columns,
    IReadOnlyList<string> Key,
    IReadOnlyList<RowRule> Rules)
{
    public string TableName => Name;

    public RawColumn? FindColumn(string name) =>
        Columns.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}
