using GtmMart.Warehouse.Snowflake;
using Snowflake.Data.Client;

namespace GtmMart.Warehouse.SnowflakeData;

/// <summary>Hands the official connector's factory to the Snowflake adapter (called once by gtm at start-up).</summary>
public static class SnowflakeDataProvider
{
    public static void Register() => SnowflakeProvider.Register(SnowflakeDbFactory.Instance);
}
