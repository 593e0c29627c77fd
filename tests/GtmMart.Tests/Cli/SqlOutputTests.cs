using System.Text.Json;
using DuckDB.NET.Data;
using GtmMart.Cli.Output;
using GtmMart.Tests.Support;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Tests.Cli;

/// <summary>
/// <c>gtm sql</c> output as other tools read it, type by type (DuckDB values through the same writer the command uses),
/// and the command read-only unless <c>--write</c>.
/// </summary>
public sealed class SqlOutputTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData("[1, 2, 3]", "[1,2,3]")]
    [InlineData("['a', null]", "[\"a\",null]")]
    [InlineData("{'a': 1, 'b': 'x'}", "{\"a\":1,\"b\":\"x\"}")]
    [InlineData("[{'k': [1.5]}]", "[{\"k\":[1.5]}]")]
    [InlineData("map {'k': 2}", "{\"k\":2}")]
    [InlineData("timestamp '2025-03-01 14:05:09.25'", "\"2025-03-01T14:05:09.250000+00:00\"")]
    [InlineData("timestamp '2025-03-01 00:00:00'", "\"2025-03-01T00:00:00.000000+00:00\"")]
    [InlineData("timestamptz '2025-03-01 14:05:09.25+02'", "\"2025-03-01T12:05:09.250000+00:00\"")]
    [InlineData("date '2025-03-01'", "\"2025-03-01\"")]
    [InlineData("time '14:05:09.25'", "\"14:05:09.250000\"")]
    [InlineData("interval 3 day", "\"P3D\"")]
    [InlineData("interval '1 year 2 months 3 days 04:05:06.5'", "\"P1Y2M3DT4H5M6.5S\"")]
    [InlineData("interval 0 second", "\"PT0S\"")]
    [InlineData("cast(3 as double)", "3.0")]
    [InlineData("cast(0.1 as double)", "0.1")]
    [InlineData("cast(1 as double) / 3", "0.3333333333333333")]
    [InlineData("cast(1e300 as double)", "1E+300")]
    [InlineData("cast(0.1 as float)", "0.1")]
    [InlineData("cast('nan' as double)", "null")]
    [InlineData("cast('inf' as double)", "null")]
    [InlineData("cast('-inf' as float)", "null")]
    [InlineData("cast(12.50 as decimal(10, 2))", "12.50")]
    [InlineData("cast(9007199254740992 as bigint)", "9007199254740992")]
    [InlineData("cast(9007199254740993 as bigint)", "\"9007199254740993\"")]
    [InlineData("cast(-9007199254740993 as bigint)", "\"-9007199254740993\"")]
    [InlineData("cast(18446744073709551615 as ubigint)", "\"18446744073709551615\"")]
    [InlineData("cast(170141183460469231731687303715884105727 as hugeint)", "\"170141183460469231731687303715884105727\"")]
    [InlineData("cast(42 as tinyint)", "42")]
    [InlineData("true", "true")]
    [InlineData("null", "null")]
    [InlineData("''", "\"\"")]
    public void Json_writes_each_type_as_a_json_value_other_tools_read(string expression, string expected)
    {
        using var document = JsonDocument.Parse(Run($"select {expression} as v", QueryFormat.Json));

        Assert.Equal(expected, document.RootElement[0].GetProperty("v").GetRawText().Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[1, 2, 3]", "\"[1,2,3]\"")]
    [InlineData("{'a': 1, 'b': 'x'}", "\"{\"\"a\"\":1,\"\"b\"\":\"\"x\"\"}\"")]
    [InlineData("timestamp '2025-03-01 14:05:09.25'", "2025-03-01T14:05:09.250000+00:00")]
    [InlineData("interval 3 day", "P3D")]
    [InlineData("cast(3 as double)", "3.0")]
    [InlineData("cast(1 as double) / 3", "0.3333333333333333")]
    [InlineData("cast('nan' as double)", "")]
    [InlineData("cast(9007199254740993 as bigint)", "9007199254740993")]
    [InlineData("false", "false")]
    [InlineData("null", "")]
    [InlineData("''", "\"\"")]
    [InlineData("'a,b'", "\"a,b\"")]
    public void Csv_writes_each_type_as_text_and_tells_null_from_an_empty_string(string expression, string expected)
    {
        var csv = Run($"select {expression} as v", QueryFormat.Csv);

        Assert.Equal($"v\n{expected}\n", csv.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void A_double_read_back_from_json_or_csv_is_the_same_double()
    {
        double[] values = [0.1, 1.0 / 3, 2.5e-310, 123456789.123456789, -0.0, double.MaxValue];
        var sql = "select " + string.Join(", ", values.Select((v, i) => $"cast('{v:R}' as double) as d{i}"));

        using var json = JsonDocument.Parse(Run(sql, QueryFormat.Json));
        var csv = Run(sql, QueryFormat.Csv).Split('\n')[1].Trim().Split(',');

        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(values[i], json.RootElement[0].GetProperty($"d{i}").GetDouble());
            Assert.Equal(values[i], double.Parse(csv[i], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Sql_is_read_only_by_default_and_write_allows_changes()
    {
        var path = dir.File("w.duckdb");
        using (var connection = new DuckDbWarehouse(path).Open())
        {
            connection.Execute("create schema mart; create view mart.mrt_channel_funnel as select 1 as n");
        }

        var drop = GtmProcess.Run(dir.Path, "sql", "drop view mart.mrt_channel_funnel", "--warehouse", path);
        var sneaky = GtmProcess.Run(dir.Path, "sql", "/* hi */ select 1; drop view mart.mrt_channel_funnel", "--warehouse", path);
        var read = GtmProcess.Run(dir.Path, "sql", "select n from mart.mrt_channel_funnel", "--warehouse", path, "--format", "csv");

        Assert.Equal(1, drop.ExitCode);
        Assert.Equal("error: 'drop' statements change the warehouse: gtm sql is read-only by default; pass --write to change the warehouse", drop.Stderr.Trim());
        Assert.Equal(1, sneaky.ExitCode);
        Assert.Equal("error: the statement would change the warehouse: gtm sql is read-only by default; pass --write to change the warehouse", sneaky.Stderr.Trim());
        Assert.Equal("n\n1\n", read.Stdout.Replace("\r\n", "\n", StringComparison.Ordinal));

        var written = GtmProcess.Run(dir.Path, "sql", "drop view mart.mrt_channel_funnel", "--warehouse", path, "--write");
        var gone = GtmProcess.Run(dir.Path, "sql", "select count(*) as n from information_schema.tables where table_name = 'mrt_channel_funnel'", "--warehouse", path, "--format", "csv");

        Assert.True(written.ExitCode == 0, written.All);
        Assert.Equal("n\n0\n", gone.Stdout.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    private static string Run(string sql, QueryFormat format)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        using var output = new StringWriter();
        QueryWriter.Write(reader, format, output);
        return output.ToString();
    }
}
