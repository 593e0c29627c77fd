using GtmMart.Reporting;
using GtmMart.Serving;

namespace GtmMart.Tests.Report;

/// <summary>The report's ranking of priority_accounts.sql's inputs: top 10 per month and channel filter, by the one formula.</summary>
public sealed class PriorityAccountsRankingTests
{
    private static readonly string[] Columns = ["month", "filter_channel", "account_id", "open_pipeline_usd", "best_win_probability", "fit_score"];

    [Fact]
    public void Each_filter_keeps_its_top_ten_by_the_served_formula_with_ties_by_account_id()
    {
        var rows = new List<object?[]>();
        for (var i = 0; i < 12; i++)
        {
            // a-00 .. a-11 with growing pipeline: a-11 ranks first; a-03 ties a-02 (same inputs) and follows it.
            rows.Add(["2025-06-01", "Total", $"a-{i:00}", 1_000m + (i == 3 ? 2 : i), 0.5, 60.0]);
        }

        rows.Add(["2025-06-01", "Paid Search", "a-05", 12.34m, 0.25, 80.0]);
        rows.Add(["2025-05-01", "Total", "a-07", 99.99m, 1.0, 50.0]);
        rows.Reverse();

        var ranked = PriorityAccountsRanking.Rank(new ReportDataset(Columns, rows));

        Assert.Equal([.. Columns, "priority_score", "accounts_ranked", "position"], ranked.Columns);
        Assert.Equal(12, ranked.Rows.Count); // 1 + 1 + 10 of 12
        string Key(int i) => $"{ranked.Value(i, "month")}|{ranked.Value(i, "filter_channel")}|{ranked.Value(i, "account_id")}|{ranked.Value(i, "position")}|{ranked.Value(i, "accounts_ranked")}";
        Assert.Equal("2025-05-01|Total|a-07|1|1", Key(0));
        Assert.Equal("2025-06-01|Paid Search|a-05|1|1", Key(1));
        Assert.Equal(
            ["a-11", "a-10", "a-09", "a-08", "a-07", "a-06", "a-05", "a-04", "a-02", "a-03"],
            Enumerable.Range(2, 10).Select(i => (string)ranked.Value(i, "account_id")!));
        Assert.All(Enumerable.Range(2, 10), i => Assert.Equal(12, ranked.Value(i, "accounts_ranked")));
        Assert.Equal(Enumerable.Range(1, 10), Enumerable.Range(2, 10).Select(i => (int)ranked.Value(i, "position")!));

        // 80 / 100 x 12.34 x 0.25 from exact cents, the served ranking's formula bit for bit.
        Assert.Equal(AccountPriority.Of(80.0, 1_234, 0.25), (double)ranked.Value(1, "priority_score")!);
        Assert.Equal(2.468, (double)ranked.Value(1, "priority_score")!, 12);
    }

    [Fact]
    public void A_query_without_an_input_column_is_named_in_the_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PriorityAccountsRanking.Rank(new ReportDataset(Columns[..5], [])));

        Assert.Contains("fit_score", error.Message, StringComparison.Ordinal);
    }
}
