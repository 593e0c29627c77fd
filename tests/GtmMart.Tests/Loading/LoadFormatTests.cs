using System.Text;
using GtmMart.Tests.Support;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Loading;

namespace GtmMart.Tests.Loading;

/// <summary>Common ways exports are written: each is read, or named in the reason with the option that reads it.</summary>
public sealed class LoadFormatTests : IDisposable
{
    private readonly TestWarehouse db = new();

    public void Dispose() => db.Dispose();

    [Fact]
    public void Dollar_signs_and_thousands_separators_are_read()
    {
        var raw = Valid();
        RawFiles.Write(raw, "salesforce_opportunities.csv", RawFiles.OpportunitiesHeader,
            "O1,A1,2025-07-01,Closed Won,\"$67,959.77\",Google Ads,Europe",
            "O2,A2,2025-07-02,Pipeline,\"1,234,567\",Organic,APAC",
            "O3,A3,2025-07-02,Pipeline,USD 12.50,Organic,APAC");

        new RawLoader(db.Warehouse).Load(raw);

        Assert.Equal([67959.77m, 1234567m, 12.50m], Amounts());
    }

    [Fact]
    public void Us_dates_are_refused_with_the_option_named_and_read_with_it()
    {
        var raw = Valid();
        RawFiles.Write(raw, "salesforce_opportunities.csv", RawFiles.OpportunitiesHeader,
            "O1,A1,8/23/2025,Closed Won,10,Google Ads,Europe",
            "O2,A2,12/1/2025,Pipeline,20,Organic,APAC");

        var refused = Assert.Throws<WarehouseException>(() => new RawLoader(db.Warehouse).Load(raw));
        new RawLoader(db.Warehouse).Load(raw, new LoadOptions { DateOrder = DateOrder.Us });

        Assert.Contains("salesforce_opportunities.csv lost 2 of 2 records (100%): 2 x bad date in created_date (not YYYY-MM-DD: load with --date-format us", refused.Message, StringComparison.Ordinal);
        Assert.Equal([new DateOnly(2025, 8, 23), new DateOnly(2025, 12, 1)], db.Rows("select created_date from raw.salesforce_opportunities order by 1").Select(r => (DateOnly)r[0]!));
    }

    [Fact]
    public void Day_first_dates_and_decimal_commas_are_read_when_the_options_say_so()
    {
        var raw = Valid();
        RawFiles.Write(raw, "ad_spend.csv", RawFiles.AdSpendHeader.Replace(',', ';'), "01/07/2025;CAMP_GA;Google Ads;google;demo-q3;1 100,50;1.200;4.000");
        RawFiles.Write(raw, "salesforce_opportunities.csv", RawFiles.OpportunitiesHeader.Replace(',', ';'),
            "O1;A1;23.08.2025;Closed Won;1.234,56;Google Ads;Europe",
            "O2;A2;01/12/2025;Pipeline;7,5;Organic;APAC");

        new RawLoader(db.Warehouse).Load(raw, new LoadOptions { DateOrder = DateOrder.DayFirst, DecimalComma = true });

        Assert.Equal([new DateOnly(2025, 8, 23), new DateOnly(2025, 12, 1)], db.Rows("select created_date from raw.salesforce_opportunities order by 1").Select(r => (DateOnly)r[0]!));
        Assert.Equal([1234.56m, 7.5m], Amounts());
        Assert.Equal([new DateOnly(2025, 7, 1), 1100.50m, 1200L, 4000L], db.Rows("select date, spend_usd, clicks, impressions from raw.ad_spend").Single());
    }

    [Fact]
    public void A_decimal_comma_without_the_option_is_named_in_the_reason()
    {
        var raw = Valid();
        RawFiles.Write(raw, "salesforce_opportunities.csv", RawFiles.OpportunitiesHeader.Replace(',', ';'),
            "O1;A1;2025-08-23;Closed Won;1.234,56;Google Ads;Europe");

        var refused = Assert.Throws<WarehouseException>(() => new RawLoader(db.Warehouse).Load(raw));

        Assert.Contains("non-numeric amount_usd (looks like a decimal comma: load with --decimal-comma)", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Semicolon_and_tab_delimited_files_are_read_from_their_header()
    {
        var raw = Valid();
        RawFiles.Write(raw, "ad_spend.csv", RawFiles.AdSpendHeader.Replace(',', '\t'), "2025-07-01\tCAMP_GA\tGoogle Ads\tgoogle\tdemo, q3\t100.50\t200\t4000");
        RawFiles.Write(raw, "web_analytics.csv", RawFiles.SessionsHeader.Replace(',', ';'), "S1;U1;2025-07-01;/pricing;google;demo-q3;3;1");

        var report = new RawLoader(db.Warehouse).Load(raw);

        Assert.Equal(0, report.Rejected);
        Assert.Equal("demo, q3", db.Scalar<string>("select utm_campaign from raw.ad_spend"));
        Assert.Equal("/pricing", db.Scalar<string>("select landing_page from raw.web_analytics"));
    }

    [Fact]
    public void Windows_1252_files_are_read_with_the_option_and_named_without_it()
    {
        var raw = Valid();
        var cp1252 = CodePagesEncoding();
        File.WriteAllText(Path.Combine(raw, "web_analytics.csv"), RawFiles.SessionsHeader + "\r\nS1,U1,2025-07-01,/café €,google,x,3,1\r\n", cp1252);

        var refused = Assert.Throws<WarehouseException>(() => new RawLoader(db.Warehouse).Load(raw));
        new RawLoader(db.Warehouse).Load(raw, new LoadOptions { Encoding = "windows-1252" });

        Assert.StartsWith($"{Path.Combine(raw, "web_analytics.csv")}:2: not UTF-8 text (if the file comes from Excel on Windows, load with --encoding windows-1252", refused.Message, StringComparison.Ordinal);
        Assert.Equal("/café €", db.Scalar<string>("select landing_page from raw.web_analytics"));
    }

    [Fact]
    public void Utf16_files_with_a_byte_order_mark_are_read()
    {
        var raw = Valid();
        File.WriteAllText(Path.Combine(raw, "web_analytics.csv"), RawFiles.SessionsHeader + "\r\nS1,U1,2025-07-01,/straße,google,x,3,1\r\n", Encoding.Unicode);

        new RawLoader(db.Warehouse).Load(raw);

        Assert.Equal("/straße", db.Scalar<string>("select landing_page from raw.web_analytics"));
    }

    [Fact]
    public void A_refused_load_keeps_the_previous_raw_data_and_records_its_rejects()
    {
        var raw = Valid();
        new RawLoader(db.Warehouse).Load(raw);
        var lines = Enumerable.Range(1, 200).Select(i => $"O{i},A{i},2025-07-01,Closed Won,10,Meta,APAC").ToList();
        lines[5] = "O6,A6,2025-07-01,Won,10,Meta,APAC";
        lines[7] = "O8,A8,2025-07-01,Negotiation,10,Meta,APAC";
        lines[9] = "O10,A10,2025-07-01,Negotiation,10,Meta,APAC";
        RawFiles.Write(raw, "salesforce_opportunities.csv", [RawFiles.OpportunitiesHeader, .. lines]);

        var refused = Assert.Throws<WarehouseException>(() => new RawLoader(db.Warehouse).Load(raw));
        var loaded = new RawLoader(db.Warehouse).Load(raw, new LoadOptions { MaxRejectedShare = 0.02 });

        Assert.StartsWith("Load 2 refused, the raw data is unchanged: salesforce_opportunities.csv lost 3 of 200 records (1.5%): 3 x unknown stage (not in sql/seeds/opportunity_stages.csv), first on line 7 (Won)", refused.Message, StringComparison.Ordinal);
        Assert.Equal(3L, db.Scalar<long>("select count(*) from raw.load_rejects where load_id = 2"));
        Assert.Equal("refused", db.Scalar<string>("select distinct status from raw.load_log where load_id = 2"));
        Assert.Equal(197, loaded.Sources.Single(s => s.Source == "salesforce_opportunities").Loaded);
    }

    [Fact]
    public void A_record_longer_than_the_readers_default_limit_is_loaded_and_later_lines_keep_their_numbers()
    {
        var raw = Valid();
        var lines = Enumerable.Range(1, 2100).Select(i => $"S{i},U1,2025-07-01,/p,google,x,1,0").ToList();
        lines[1999] = $"S2000,U1,2025-07-01,/{new string('x', 3_000_000)},google,x,1,0";
        lines[2049] = "S2050,U1,not-a-date,/p,google,x,1,0";
        RawFiles.Write(raw, "web_analytics.csv", [RawFiles.SessionsHeader, .. lines]);

        var report = new RawLoader(db.Warehouse).Load(raw);

        Assert.Equal((2100L, 2099L, 1L), Counts(report, "web_analytics"));
        Assert.Equal(3_000_001L, db.Scalar<long>("select length(landing_page) from raw.web_analytics where session_id = 'S2000'"));
        Assert.Equal(2051L, db.Scalar<long>("select line from raw.load_rejects"));
        Assert.Equal(2101L, db.Scalar<long>("select _line from raw.web_analytics where session_id = 'S2100'"));
    }

    [Fact]
    public void A_record_longer_than_even_the_raised_limit_is_named_by_its_true_line()
    {
        var raw = Valid();
        var path = Path.Combine(raw, "web_analytics.csv");
        using (var writer = new StreamWriter(path))
        {
            writer.Write(RawFiles.SessionsHeader + "\n");
            for (var i = 1; i <= 2000; i++)
            {
                writer.Write($"S{i},U1,2025-07-01,/p,google,x,1,0\n");
            }

            writer.Write("S2001,U1,2025-07-01,\"");
            writer.Write(new string('x', LoadOptions.MaxRecordBytes + 10));
            writer.Write("\",google,x,1,0\n");
        }

        var error = Assert.Throws<WarehouseException>(() => new RawLoader(db.Warehouse).Load(raw));

        Assert.StartsWith($"{path}:2002: a record of 64 MiB is longer than the 64 MiB the reader takes; nothing was changed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_adds_new_records_and_a_record_with_a_loaded_key_replaces_it()
    {
        var raw = Valid();
        new RawLoader(db.Warehouse).Load(raw);
        var day = db.Folder.Sub("day");
        RawFiles.Write(day, "web_analytics.csv", RawFiles.SessionsHeader, "S4,U4,2025-07-03,/demo,google,demo-q3,2,0", "S4,U4,2025-07-03,/demo,google,demo-q3,2,0");
        RawFiles.Write(day, "salesforce_opportunities.csv", RawFiles.OpportunitiesHeader, "O2,A2,2025-07-02,Closed Won,500.00,Organic,APAC");

        var report = new RawLoader(db.Warehouse).Load(day, new LoadOptions { Append = true, MaxRejectedShare = 0.5 });

        Assert.Equal(["web_analytics", "salesforce_opportunities"], report.Sources.Select(s => s.Source));
        Assert.Equal(4L, db.Scalar<long>("select count(*) from raw.web_analytics"));
        Assert.Equal(2L, db.Scalar<long>("select count(*) from raw.ad_spend"));
        Assert.Equal("Closed Won", db.Scalar<string>("select stage from raw.salesforce_opportunities where opportunity_id = 'O2'"));
        Assert.Equal(1, report.Sources.Single(s => s.Source == "salesforce_opportunities").Replaced);
        Assert.Equal("duplicate session_id (first seen on line 2)", db.Scalar<string>("select reason from raw.load_rejects where load_id = 2"));
        Assert.Equal("append", db.Scalar<string>("select distinct mode from raw.load_log where load_id = 2"));
    }

    private string Valid()
    {
        var raw = db.Folder.Sub("raw");
        RawFiles.WriteValid(raw);
        return raw;
    }

    private List<decimal> Amounts() =>
        db.Rows("select amount_usd from raw.salesforce_opportunities order by opportunity_id").Select(r => (decimal)r[0]!).ToList();

    private static (long, long, long) Counts(LoadReport report, string source) =>
        report.Sources.Single(s => s.Source == source) is var s ? (s.Read, s.Loaded, s.Rejected) : default;

    private static Encoding CodePagesEncoding()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    }
}
