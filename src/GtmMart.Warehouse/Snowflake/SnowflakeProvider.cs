using System.Data.Common;

namespace GtmMart.Warehouse.Snowflake;

/// <summary>
/// The Snowflake.Data provider factory, when this build has it. Only a build with <c>-p:WithSnowflake=true</c>
/// references the package; its entry point registers <c>SnowflakeDbFactory.Instance</c> here at start-up
/// (src/GtmMart.Warehouse.Snowflake). Everything else of the Snowflake adapter is in the default build.
/// </summary>
public static class SnowflakeProvider
{
    public const string NotInThisBuild =
        "The Snowflake warehouse is not part of this build: rebuild with `dotnet build -p:WithSnowflake=true` " +
        "(it adds the Snowflake.Data connector from nuget.org; see docs/SNOWFLAKE.md).";

    public static DbProviderFactory? Factory { get; private set; }

    public static void Register(DbProviderFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Factory = factory;
    }
}
