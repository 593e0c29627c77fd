using System.Globalization;
using GtmMart.Serving;

namespace GtmMart.Reporting;

/// <summary>
/// The dashboard's priority accounts: <c>priority_accounts.sql</c> gives every qualifying account's inputs per month
/// and channel filter; this adds <c>priority_score</c> with <see cref="AccountPriority"/> (the formula the gRPC
/// priority-accounts ranking uses, written once), and keeps the top <see cref="Top"/> of each filter in that order with
/// <c>accounts_ranked</c> (how many qualified) and <c>position</c>.
/// </summary>
public static class PriorityAccountsRanking
{
    public const string Dataset = "priority_accounts";

    public const int Top = 10;

    public static ReportDataset Rank(ReportDataset inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var columns = inputs.Columns.ToList();
        int Column(string name) => columns.IndexOf(name) is var i and >= 0
            ? i
            : throw new InvalidOperationException($"report query {Dataset}.sql lacks the column {name} (columns: {string.Join(", ", columns)})");
        var month = Column("month");
        var filter = Column("filter_channel");
        var account = Column("account_id");
        var fit = Column("fit_score");
        var pipeline = Column("open_pipeline_usd");
        var probability = Column("best_win_probability");

        var rows = new List<object?[]>();
        var groups = inputs.Rows.GroupBy(r => (Month: (string?)r[month], Filter: (string?)r[filter]))
            .OrderBy(g => g.Key.Month, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Filter, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var scored = group.Select(r => (Row: r, Priority: AccountPriority.Of(Number(r[fit]), Cents(r[pipeline]), Number(r[probability]))));
            var ranked = AccountPriority.Ranked(scored, s => s.Priority, s => (string)s.Row[account]!).Take(Top);
            var count = group.Count();
            var position = 0;
            foreach (var (row, priority) in ranked)
            {
                rows.Add([.. row, double.IsFinite(priority) ? priority : null, count, ++position]);
            }
        }

        return new ReportDataset([.. columns, "priority_score", "accounts_ranked", "position"], rows);
    }

    private static double Number(object? value) => value is null ? double.NaN : Convert.ToDouble(value, CultureInfo.InvariantCulture);

    /// <summary>The open pipeline (decimal US dollars, two places) in exact cents, as the served features hold it.</summary>
    private static long Cents(object? value) => value is null ? 0 : decimal.ToInt64(decimal.Round(Convert.ToDecimal(value, CultureInfo.InvariantCulture) * 100m));
}
