namespace GtmMart.Warehouse.Loading;

/// <summary>
/// DuckDB expressions that turn a raw text value into its column's type as <see cref="LoadOptions"/> say it is
/// written, and the reason (with a hint at the option that would read it) when it does not convert. A value that
/// converts directly is never re-read another way: the other forms are tried only on what fails.
/// </summary>
internal static class RawValueSql
{
    private const string UsGroups = "^[+-]?[0-9]{1,3}(,[0-9]{3})+([.][0-9]*)?$";
    private const string CommaDecimal = "^[+-]?([0-9]{1,3}([. ][0-9]{3})+|[0-9]+)(,[0-9]*)?$";
    private const string SlashDate = "^[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2,4}";

    /// <summary>The typed value of text expression <paramref name="text"/> (NULL when blank or when it does not convert).</summary>
    public static string Parse(RawColumn column, string text, LoadOptions options)
    {
        var t = $"nullif(trim({text}), '')";
        return column.Type switch
        {
            RawType.Text => text,
            RawType.Date => $"coalesce(try_cast({t} as date), {DateFallback(t, options.DateOrder)})",
            RawType.WholeNumber or RawType.DecimalNumber => options.DecimalComma
                ? $"try_cast({CommaDecimalToPlain(t)} as {column.SqlType})"
                : $"coalesce(try_cast({t} as {column.SqlType}), try_cast({UsToPlain(t)} as {column.SqlType}))",
            _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, null),
        };
    }

    /// <summary>The reject reason for a value of <paramref name="column"/> that did not convert.</summary>
    public static string Reason(RawColumn column, string text, LoadOptions options)
    {
        var reason = RawRules.Literal(column.CastFailureReason);
        var t = $"trim({text})";
        return column.Type switch
        {
            RawType.Date when options.DateOrder == DateOrder.Iso =>
                $"case when regexp_matches({t}, '{SlashDate}') then {reason} || ' (not YYYY-MM-DD: load with --date-format us for month/day/year or --date-format day-first for day/month/year)' else {reason} end",
            RawType.Date => $"{reason} || ' (expected YYYY-MM-DD or {(options.DateOrder == DateOrder.Us ? "month/day/year, as --date-format us says" : "day/month/year, as --date-format day-first says")})'",
            RawType.WholeNumber or RawType.DecimalNumber when !options.DecimalComma =>
                $"case when regexp_matches({t}, '[€£¥]|EUR|GBP') then {reason} || ' (an amount in a currency other than USD)' " +
                $"when regexp_matches({t}, '{CommaDecimal}') then {reason} || ' (looks like a decimal comma: load with --decimal-comma)' else {reason} end",
            RawType.WholeNumber or RawType.DecimalNumber =>
                $"case when regexp_matches({t}, '[€£¥]|EUR|GBP') then {reason} || ' (an amount in a currency other than USD)' else {reason} || ' (expected 1.234,56 as --decimal-comma says)' end",
            _ => reason,
        };
    }

    private static string DateFallback(string t, DateOrder order) => order switch
    {
        DateOrder.Iso => $"cast(try_cast({t} as timestamp) as date)",
        DateOrder.Us => $"cast(try_strptime({t}, ['%m/%d/%Y', '%m-%d-%Y', '%m.%d.%Y', '%m/%d/%Y %H:%M', '%m/%d/%Y %H:%M:%S']) as date)",
        DateOrder.DayFirst => $"cast(try_strptime({t}, ['%d/%m/%Y', '%d.%m.%Y', '%d-%m-%Y', '%d/%m/%Y %H:%M', '%d.%m.%Y %H:%M', '%d/%m/%Y %H:%M:%S']) as date)",
        _ => throw new ArgumentOutOfRangeException(nameof(order), order, null),
    };

    /// <summary>A US dollar sign or USD code dropped; comma thousands separators dropped when they group by three.</summary>
    private static string UsToPlain(string t)
    {
        var bare = StripDollars(t);
        return $"case when regexp_matches({bare}, '{UsGroups}') then replace({bare}, ',', '') else {bare} end";
    }

    /// <summary>A dollar sign dropped; dot or space thousands separators dropped, the decimal comma made a dot.</summary>
    private static string CommaDecimalToPlain(string t)
    {
        var bare = StripDollars(t);
        return $"case when regexp_matches({bare}, '{CommaDecimal}') then replace(replace(replace({bare}, '.', ''), ' ', ''), ',', '.') end";
    }

    private static string StripDollars(string t) => $"trim(regexp_replace({t}, '^([+-]?)\\s*(US\\$|\\$|USD)\\s*|\\s*USD$', '\\1'))";
}
