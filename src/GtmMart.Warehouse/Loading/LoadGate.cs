using System.Data.Common;
using System.Globalization;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Loading;

/// <summary>One reason records of a file were rejected, how many, and the first of them.</summary>
public sealed record RejectReason(string Source, string File, string Reason, long Count, long FirstLine, string? FirstValue);

/// <summary>
/// Decides, before anything is published, whether a load may go ahead: a required source that loses more than
/// <see cref="LoadOptions.MaxRejectedShare"/> of its records stops it. Works on the checked tables every engine
/// builds (each record once, rejected ones with a reason), in portable SQL.
/// </summary>
public static class LoadGate
{
    /// <summary>The most common reject reasons of one file, most frequent first.</summary>
    public static IReadOnlyList<RejectReason> TopReasons(DbConnection connection, string checkedTable, SourceFile file, int limit = 3) =>
        connection.Query(
            $"""
            select _reject_reason, count(*) as n, min(_line) as first_line
            from {checkedTable} where _reject_reason is not null
            group by _reject_reason order by n desc, first_line limit {limit.ToString(CultureInfo.InvariantCulture)}
            """,
            r => (Reason: r.GetString(0), Count: System.Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture), First: System.Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture)))
        .Select(x => new RejectReason(file.Source.Name, file.FileName, x.Reason, x.Count, x.First,
            connection.Scalar<string>($"select cast(_reject_value as varchar) from {checkedTable} where _line = $line and _reject_reason is not null", ("line", x.First))))
        .ToList();

    /// <summary>
    /// Null when every required source kept enough of its records; else the one-line reason the load stops, naming the
    /// files, their loss and the top reasons with counts.
    /// </summary>
    public static string? Verdict(DbConnection connection, IEnumerable<(SourceFile File, long Read, long Rejected)> files, Func<RawSource, string> checkedTable, LoadOptions options, long loadId)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failed = files
            .Where(f => !f.File.Source.Optional && f.Read > 0 && (double)f.Rejected / f.Read > options.MaxRejectedShare)
            .Select(f =>
            {
                var reasons = TopReasons(connection, checkedTable(f.File.Source), f.File);
                return $"{f.File.FileName} lost {f.Rejected:N0} of {f.Read:N0} records ({(double)f.Rejected / f.Read:0.#%}): " +
                       string.Join("; ", reasons.Select(r => $"{r.Count:N0} x {r.Reason}, first on line {r.FirstLine}{(r.FirstValue is null ? "" : $" ({Shorten(r.FirstValue)})")}"));
            })
            .ToList();
        return failed.Count == 0
            ? null
            : $"Load {loadId} refused, the raw data is unchanged: {string.Join(" | ", failed)}. " +
              $"A required source may lose at most {options.MaxRejectedShare:0.##%} of its records (--max-rejected); " +
              $"every reject is in raw.load_rejects where load_id = {loadId}; see docs/RAW_DATA.md for the accepted formats.";
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..37] + "...";
}
