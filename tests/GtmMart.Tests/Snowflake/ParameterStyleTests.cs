using GtmMart.Warehouse.Connection;

namespace GtmMart.Tests.Snowflake;

public sealed class ParameterStyleTests
{
    [Fact]
    public void Named_placeholders_become_positional_in_order_of_appearance_outside_literals()
    {
        var (sql, parameters) = ParameterStyle.ToPositional(
            "select '$run', METADATA$FILE_ROW_NUMBER, $b from t where run_id = $run and x = $b and y = $unknown",
            [("run", "r1"), ("b", 2)]);

        Assert.Equal("select '$run', METADATA$FILE_ROW_NUMBER, ? from t where run_id = ? and x = ? and y = $unknown", sql);
        Assert.Equal([("1", (object?)2), ("2", "r1"), ("3", 2)], parameters);
    }
}
