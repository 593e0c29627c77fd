using System.Globalization;

namespace GtmMart.Bench.Mart;

/// <summary>Splits generated raw files into the history and one day for the daily build measurement.</summary>
internal static class DaySplit
{
    private static readonly Dictionary<string, string> DateColumns = new(StringComparer.Ordinal)
    {
        ["ad_spend"] = "date",
        ["web_analytics"] = "session_date",
        ["salesforce_opportunities"] = "created_date",
    };

    /// <summary>Rows dated <paramref name="day"/> go to <paramref name="dayFolder"/>, the rest (and the undated sources) to <paramref name="history"/>; returns the day's sessions.</summary>
    public static long Split(string from, string history, string dayFolder, DateOnly day)
    {
        Directory.CreateDirectory(history);
        Directory.CreateDirectory(dayFolder);
        var text = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        long sessions = 0;
        foreach (var file in Directory.GetFiles(from, "*.csv"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (!DateColumns.TryGetValue(name, out var column))
            {
                File.Move(file, Path.Combine(history, Path.GetFileName(file)));
                continue;
            }

            using var reader = new StreamReader(file);
            using var old = new StreamWriter(Path.Combine(history, Path.GetFileName(file)));
            using var latest = new StreamWriter(Path.Combine(dayFolder, Path.GetFileName(file)));
            var header = reader.ReadLine()!;
            var index = Array.IndexOf(header.Split(','), column);
            old.WriteLine(header);
            latest.WriteLine(header);
            while (reader.ReadLine() is { } line)
            {
                // Generated files quote nothing before the date column, so splitting on commas finds it.
                var isDay = line.Split(',', index + 2)[index] == text;
                (isDay ? latest : old).WriteLine(line);
                sessions += isDay && name == "web_analytics" ? 1 : 0;
            }
        }

        return sessions;
    }
}
