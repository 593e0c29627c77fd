using System.ComponentModel;
using GtmMart.Cli.Output;
using GtmMart.Warehouse.Connection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public sealed class SqlCommand : Command<SqlCommand.Settings>
{
    public sealed class Settings : WarehouseSettings
    {
        [CommandArgument(0, "<QUERY>")]
        [Description("SQL to run, e.g. \"select * from mart.mrt_channel_funnel limit 10\"")]
        public string Query { get; init; } = "";

        [CommandOption("-f|--format <FORMAT>")]
        [Description("table, csv or json")]
        [DefaultValue(QueryFormat.Table)]
        public QueryFormat Format { get; init; } = QueryFormat.Table;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Query) ? ValidationResult.Error("a query is required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var connection = settings.OpenWarehouse().Open();
        using var command = connection.Command(settings.Query);
        try
        {
            using var reader = command.ExecuteReader();
            QueryWriter.Write(reader, settings.Format, Console.Out);
        }
        catch (System.Data.Common.DbException ex)
        {
            throw new WarehouseException($"query failed: {ex.Message.Split('\n')[0]}", ex);
        }

        return 0;
    }
}
