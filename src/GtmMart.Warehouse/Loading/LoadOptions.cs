namespace GtmMart.Warehouse.Loading;

/// <summary>How dates in raw files are written besides ISO <c>YYYY-MM-DD</c>, which is always accepted.</summary>
public enum DateOrder
{
    /// <summary>ISO only: <c>2025-08-23</c> (a time after the date, <c>2025-08-23T10:00:00</c>, is accepted and dropped).</summary>
    Iso,

    /// <summary>Month first, as US exports write them: <c>8/23/2025</c>, <c>08-23-2025</c>.</summary>
    Us,

    /// <summary>Day first, as most of the world writes them: <c>23/08/2025</c>, <c>23.08.2025</c>.</summary>
    DayFirst,
}

/// <summary>
/// How a load reads its files and when it refuses them. Nothing here is guessed from the data: a file's format is
/// what these options say (ISO dates and a dot decimal by default); the delimiter is taken from the header line,
/// whose column names are known.
/// </summary>
public sealed record LoadOptions
{
    /// <summary>DuckDB's CSV reader stops at 2 MB records by default; GtmMart lets it read records up to this size.</summary>
    public const int MaxRecordBytes = 64 << 20;

    public static readonly LoadOptions Default = new();

    /// <summary>The date order of dates that are not ISO.</summary>
    public DateOrder DateOrder { get; init; } = DateOrder.Iso;

    /// <summary>Numbers are written <c>1.234,56</c> (comma decimal, dot or space thousands) instead of <c>1,234.56</c>.</summary>
    public bool DecimalComma { get; init; }

    /// <summary>The field delimiter; null: the one (comma, semicolon, tab or pipe) that splits the header into the source's column names.</summary>
    public char? Delimiter { get; init; }

    /// <summary>The files' text encoding: <c>utf-8</c> (default; a UTF-8 or UTF-16 byte-order mark is honoured), <c>windows-1252</c> or <c>latin-1</c>.</summary>
    public string Encoding { get; init; } = "utf-8";

    /// <summary>A required source whose rejected share of records is above this fails the load (0.01 = 1%).</summary>
    public double MaxRejectedShare { get; init; } = 0.01;

    /// <summary>Add the files' records to what is loaded (a record whose key is loaded already replaces it) instead of replacing every raw table.</summary>
    public bool Append { get; init; }

    /// <summary>The opportunity stages a load accepts, lower case: the keys of <c>sql/seeds/opportunity_stages.csv</c>.</summary>
    public IReadOnlyList<string> Stages { get; init; } = RawSources.Stages;

    public static readonly IReadOnlyList<string> Encodings = ["utf-8", "windows-1252", "latin-1"];
}
