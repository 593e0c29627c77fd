using System.ComponentModel;
using GtmMart.Cli.Output;
using GtmMart.Warehouse.Connection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

/// <summary>
/// <c>gtm sql</c>: runs one statement and prints its result. Read-only unless <c>--write</c>: the DuckDB file is opened
/// in read-only mode, and only queries are accepted (on any warehouse), so a mistyped <c>drop</c> changes nothing.
/// </summary>
public sealed class SqlCommand : Command<SqlCommand.Settings>
{
    private const string ReadOnlyHint = "gtm sql is read-only by default; pass --write to change the warehouse";

    /// <summary>The first words of the statements accepted without --write: queries and descriptions.</summary>
    private static readonly HashSet<string> QueryWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "select", "with", "from", "values", "table", "show", "describe", "desc", "explain", "summarize",
    };

    public sealed class Settings : WarehouseSettings
    {
        [CommandArgument(0, "<QUERY>")]
        [Description("SQL to run, e.g. \"select * from mart.mrt_channel_funnel limit 10\"")]
        public string Query { get; init; } = "";

        [CommandOption("-f|--format <FORMAT>")]
        [Description("table, csv or json. CSV: NULL is an empty field, an empty string is \"\". JSON: integers beyond 2^53 are strings. Lists and structs are JSON, timestamps ISO 8601 with offset, intervals ISO 8601 durations, NaN and infinities null")]
        [DefaultValue(QueryFormat.Table)]
        public QueryFormat Format { get; init; } = QueryFormat.Table;

        [CommandOption("--write")]
        [Description("Allow statements that change the warehouse (default: read-only, queries only)")]
        public bool Write { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Query) ? ValidationResult.Error("a query is required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Write && FirstWord(settings.Query) is { } word && !QueryWords.Contains(word))
        {
            throw new WarehouseException($"'{word}' statements change the warehouse: {ReadOnlyHint}");
        }

        var warehouse = settings.OpenWarehouse();
        using var connection = settings.Write ? warehouse.Open() : warehouse.OpenReadOnly();
        using var command = connection.Command(settings.Query);
        try
        {
            // Every statement's result in turn (a later statement's error, e.g. a write refused, surfaces here too).
            using var reader = command.ExecuteReader();
            do
            {
                QueryWriter.Write(reader, settings.Format, Console.Out);
            }
            while (reader.NextResult());
        }
        catch (System.Data.Common.DbException ex) when (ex.Message.Contains("read-only", StringComparison.OrdinalIgnoreCase))
        {
            throw new WarehouseException($"the statement would change the warehouse: {ReadOnlyHint}", ex);
        }
        catch (System.Data.Common.DbException ex)
        {
            throw new WarehouseException($"query failed: {ex.Message.Split('\n')[0]}", ex);
        }

        return 0;
    }

    /// <summary>The statement's first word after comments, whitespace and opening parentheses; null when none.</summary>
    internal static string? FirstWord(string sql)
    {
        var i = 0;
        while (i < sql.Length)
        {
            if (char.IsWhiteSpace(sql[i]) || sql[i] == '(')
            {
                i++;
            }
            else if (sql.AsSpan(i).StartsWith("--"))
            {
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end + 1;
            }
            else if (sql.AsSpan(i).StartsWith("/*"))
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
            }
            else
            {
                break;
            }
        }

        var start = i;
        while (i < sql.Length && (char.IsLetter(sql[i]) || sql[i] == '_'))
        {
            i++;
        }

        return i > start ? sql[start..i] : null;
    }
}
