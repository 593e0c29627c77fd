using GtmMart.Cli;

return GtmApp.Run(args);
