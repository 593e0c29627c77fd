using System.ComponentModel;
using System.Globalization;
using GtmMart.Warehouse.Loading;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

/// <summary>How raw files are written and how many rejects a load accepts (<c>gtm load</c> and <c>gtm run</c>); see docs/RAW_DATA.md.</summary>
public class LoadFormatSettings : WarehouseSettings
{
    [CommandOption("--date-format <ORDER>")]
    [Description("Dates besides ISO YYYY-MM-DD (always read): iso (default), us (month/day/year: 8/23/2025) or day-first (23/08/2025, 23.08.2025). Never guessed")]
    [DefaultValue("iso")]
    public string DateFormat { get; init; } = "iso";

    [CommandOption("--decimal-comma")]
    [Description("Numbers are written 1.234,56 (comma decimal, dot or space thousands). Default: 1,234.56; a $ or USD is read in either")]
    public bool DecimalComma { get; init; }

    [CommandOption("--delimiter <CHAR>")]
    [Description("Field delimiter: , ; tab or |. Default: the one that splits each header into the source's column names")]
    public string? Delimiter { get; init; }

    [CommandOption("--encoding <NAME>")]
    [Description("utf-8 (default; UTF-8 and UTF-16 byte-order marks are honoured), windows-1252 (Excel on Windows) or latin-1")]
    [DefaultValue("utf-8")]
    public string Encoding { get; init; } = "utf-8";

    [CommandOption("--max-rejected <PERCENT>")]
    [Description("A required source losing more than this share of its records to rejects fails the load, leaving the raw data as it was")]
    [DefaultValue(1.0)]
    public double MaxRejectedPercent { get; init; } = 1.0;

    public override ValidationResult Validate() =>
        ParseDateOrder(DateFormat) is null ? ValidationResult.Error("--date-format must be iso, us or day-first")
        : Delimiter is not null && ParseDelimiter(Delimiter) is null ? ValidationResult.Error("--delimiter must be one of , ; tab |")
        : !LoadOptions.Encodings.Contains(Encoding.ToLowerInvariant()) ? ValidationResult.Error($"--encoding must be one of {string.Join(", ", LoadOptions.Encodings)}")
        : MaxRejectedPercent is < 0 or > 100 ? ValidationResult.Error("--max-rejected must be a percentage from 0 to 100")
        : base.Validate();

    /// <summary>The options these settings say, with the stages of the SQL folder's <c>seeds/opportunity_stages.csv</c> when it has one.</summary>
    public LoadOptions ToLoadOptions(bool append = false) => new()
    {
        Stages = LoadCatalog().Models.FirstOrDefault(m => m.Seed is not null && m.Name == "opportunity_stages")?.Seed!.Keys.Select(k => k.ToLowerInvariant()).ToList() ?? RawSources.Stages,
        DateOrder = ParseDateOrder(DateFormat)!.Value,
        DecimalComma = DecimalComma,
        Delimiter = Delimiter is null ? null : ParseDelimiter(Delimiter),
        Encoding = Encoding.ToLowerInvariant(),
        MaxRejectedShare = MaxRejectedPercent / 100,
        Append = append,
    };

    private static DateOrder? ParseDateOrder(string value) => value.ToLowerInvariant() switch
    {
        "iso" => DateOrder.Iso,
        "us" or "mdy" => DateOrder.Us,
        "day-first" or "dmy" => DateOrder.DayFirst,
        _ => null,
    };

    private static char? ParseDelimiter(string value) => value.ToLower(CultureInfo.InvariantCulture) switch
    {
        "," or "comma" => ',',
        ";" or "semicolon" => ';',
        "tab" or "\\t" or "\t" => '\t',
        "|" or "pipe" => '|',
        _ => null,
    };
}
