using GtmMart.Scoring.Features;
using GtmMart.Tests.Support;
using GtmMart.Training.Export;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Tests.Export;

/// <summary>
/// Feature tables with exactly the row classes' columns, exported and read back into
/// <see cref="OpportunityFeatureRow"/> / <see cref="AccountFeatureRow"/> without the warehouse.
/// </summary>
public sealed class FeatureSnapshotTests : IDisposable
{
    private const int Rows = 1_000;
    private readonly TestWarehouse db = new();

    public void Dispose() => db.Dispose();

    [Fact]
    public void ReadOpportunities_maps_values_and_nulls()
    {
        var dir = ExportFeatureTables();
        var rows = FeatureSnapshot.ReadOpportunities(dir);

        Assert.Equal(Rows, rows.Count);
        Assert.Equal("opp-0000", rows[0].OpportunityId);
        Assert.Equal("opp-0999", rows[^1].OpportunityId);

        var plain = rows[1];                          // i = 1: no NULLs
        Assert.Equal("acc-1", plain.AccountId);
        Assert.Equal(new DateTime(2024, 1, 2), plain.CreatedDate);
        Assert.True(plain.Label);                     // label_won = 1
        Assert.True(plain.IsClosed);
        Assert.Equal(1.5f, plain["amount_usd"].Number);          // double
        Assert.Equal(1f, plain["prior_opportunities"].Number);   // bigint
        Assert.Equal(1f, plain["is_paid_media"].Number);          // integer
        Assert.Equal("paid_search", plain["channel"].Text);
        Assert.Equal(31f, plain["days_since_last_session"].Number);

        var lost = rows[2];                           // i = 2: label_won = 0, is_closed = false
        Assert.False(lost.Label);
        Assert.False(lost.IsClosed);
        Assert.Equal("", lost["channel"].Text);               // '' stays ''

        var nulls = rows[7];                          // i = 7: every nullable column NULL
        Assert.False(nulls.Label);                    // label_won NULL → false
        Assert.False(nulls.IsClosed);
        Assert.True(float.IsNaN(nulls["amount_usd"].Number));
        Assert.True(float.IsNaN(nulls["prior_opportunities"].Number));
        Assert.True(float.IsNaN(nulls["is_paid_media"].Number));
        Assert.True(float.IsNaN(nulls["days_since_last_session"].Number));
        Assert.Equal("", nulls["channel"].Text);
        Assert.Equal("", nulls["industry"].Text);
        Assert.Equal(default, nulls.CreatedDate);

        Assert.Equal(db.Scalar<long>("select count(*) from mart.mrt_opportunity_features where label_won = 1"), rows.Count(r => r.Label));
        Assert.Equal(db.Scalar<long>("select count(*) from mart.mrt_opportunity_features where amount_usd is null"), rows.Count(r => float.IsNaN(r["amount_usd"].Number)));
        Assert.Equal(db.Scalar<double>("select sum(sessions_90d) from mart.mrt_opportunity_features"), rows.Where(r => !float.IsNaN(r["sessions_90d"].Number)).Sum(r => (double)r["sessions_90d"].Number), 3);
    }

    [Fact]
    public void ReadAccounts_maps_values_and_a_boolean_label()
    {
        var dir = ExportFeatureTables();
        var rows = FeatureSnapshot.ReadAccounts(dir);

        Assert.Equal(Rows, rows.Count);
        Assert.Equal("acc-0000", rows[0].AccountId);
        Assert.True(rows[1].IcpLabel);
        Assert.False(rows[2].IcpLabel);
        Assert.False(rows[7].IcpLabel);
        Assert.Equal("name 1", rows[1].AccountName);
        Assert.Equal(1.5f, rows[1].WinRate);
        Assert.True(float.IsNaN(rows[7].WinRate));
        Assert.Equal("", rows[7].Region);
    }

    [Fact]
    public void A_missing_column_is_named_with_its_file()
    {
        var dir = ExportFeatureTables(dropAccountColumn: "win_rate");
        var ex = Assert.Throws<InvalidDataException>(() => FeatureSnapshot.ReadAccounts(dir));
        Assert.Contains("mrt_account_features.parquet", ex.Message, StringComparison.Ordinal);
        Assert.Contains("win_rate", ex.Message, StringComparison.Ordinal);

        // The opportunity file is complete and still reads.
        Assert.Equal(Rows, FeatureSnapshot.ReadOpportunities(dir).Count);
    }

    [Fact]
    public void A_changed_snapshot_is_refused_before_reading()
    {
        var dir = ExportFeatureTables();
        var path = Path.Combine(dir, "mrt_opportunity_features.parquet");
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 3] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<InvalidDataException>(() => FeatureSnapshot.ReadAccounts(dir));
        Assert.Contains("mrt_opportunity_features.parquet", ex.Message, StringComparison.Ordinal);
    }

    private string ExportFeatureTables(string? dropAccountColumn = null)
    {
        using (var connection = db.Warehouse.Open())
        {
            connection.Execute("create schema if not exists mart");
            connection.Execute(
                $"create or replace table mart.mrt_opportunity_features as select {string.Join(",\n ", Columns(RowLayouts.Opportunity(OpportunityFeatureCatalog.Default), "opp"))} from range({Rows}) as t(i) order by hash(i)");
            var accountColumns = Columns(RowLayouts.FromAttributes<AccountFeatureRow>(), "acc").Where(c => dropAccountColumn is null || !c.EndsWith($" as {dropAccountColumn}", StringComparison.Ordinal));
            connection.Execute(
                $"create or replace table mart.mrt_account_features as select {string.Join(",\n ", accountColumns)} from range({Rows}) as t(i) order by hash(i)");
        }

        var dir = db.Folder.Sub("snapshot-" + Guid.NewGuid().ToString("N"));
        FeatureExporter.Export(db.Warehouse, dir, FeatureExporter.DefaultTables);
        return dir;
    }

    /// <summary>
    /// A select list with one expression per column of the row layout: the first column is the key
    /// (<c>prefix-0000</c>); row i = 7 (mod 7) holds NULL in every nullable column; floats alternate double,
    /// bigint and integer SQL types so every numeric conversion is exercised.
    /// </summary>
    private static IEnumerable<string> Columns<T>(RowLayout<T> layout, string prefix)
    {
        var index = 0;
        foreach (var column in layout.Columns)
        {
            var name = column.Name;
            var type = column switch
            {
                NumberColumn<T> => typeof(float),
                TextColumn<T> => typeof(string),
                FlagColumn<T> => typeof(bool),
                _ => typeof(DateTime),
            };
            var isNull = "i % 7 = 0 and i > 0";
            var expression = (name, type) switch
            {
                _ when index == 0 => $"'{prefix}-' || lpad(i::varchar, 4, '0')",
                ("account_id", _) => "'acc-' || i::varchar",
                ("account_name", _) => "'name ' || i::varchar",
                ("channel", _) => $"case when {isNull} then null when i % 2 = 0 then '' else 'paid_search' end",
                ("label_won", _) => $"case when {isNull} then null when i % 2 = 1 then 1 else 0 end",
                ("icp_label", _) => $"case when {isNull} then null else i % 2 = 1 end",
                ("is_closed", _) => $"case when {isNull} then null else i % 2 = 1 end",
                ("created_date", _) => $"case when {isNull} then null else date '2024-01-01' + i::integer end",
                ("days_since_last_session", _) => $"case when {isNull} then null else (i + 30)::integer end",
                ("prior_opportunities", _) => $"case when {isNull} then null else i::bigint end",
                ("is_paid_media", _) => $"case when {isNull} then null else (i % 2)::integer end",
                (_, var t) when t == typeof(string) => $"case when {isNull} then null else '{name}_' || (i % 5)::varchar end",
                (_, var t) when t == typeof(float) && index % 3 == 1 => $"case when {isNull} then null else (i % 40)::bigint end",
                (_, var t) when t == typeof(float) => $"case when {isNull} then null else i * 1.5 end::double",
                _ => throw new InvalidOperationException($"no test expression for {name} ({type.Name})"),
            };
            index++;
            yield return $"{expression} as {name}";
        }
    }
}
