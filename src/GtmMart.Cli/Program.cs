using GtmMart.Cli;

#if WITH_SNOWFLAKE
GtmMart.Warehouse.SnowflakeData.SnowflakeDataProvider.Register();
#endif
return GtmApp.Run(args);
