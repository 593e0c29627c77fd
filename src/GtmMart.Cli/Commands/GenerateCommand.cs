using System.ComponentModel;
using GtmMart.DemoData;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

public sealed class GenerateCommand : Command<GenerateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-o|--out <DIR>")]
        [Description("Folder to write the raw CSV files into (created if missing)")]
        public string Out { get; init; } = Path.Combine(".gtm", "demo-raw");

        [CommandOption("--accounts <N>")]
        [Description("Number of accounts")]
        [DefaultValue(500)]
        public int Accounts { get; init; } = 500;

        [CommandOption("--seed <S>")]
        [Description("Random seed; the same seed writes the same files")]
        [DefaultValue(42)]
        public int Seed { get; init; } = 42;

        [CommandOption("--days <N>")]
        [Description("Days of activity")]
        [DefaultValue(270)]
        public int Days { get; init; } = 270;

        [CommandOption("--sessions <N>")]
        [Description("Total web sessions (default: about 26 per account per 90 days, like the example data)")]
        public long? Sessions { get; init; }

        [CommandOption("--win-signal <SHAPE>")]
        [Description("Shape of the win model: additive (default) or interaction (adds an industry x company size effect that only a non-linear model can learn)")]
        [DefaultValue(WinSignal.Additive)]
        public WinSignal WinSignal { get; init; } = WinSignal.Additive;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = new GeneratorOptions
        {
            OutputDirectory = settings.Out,
            Accounts = settings.Accounts,
            Seed = settings.Seed,
            Days = settings.Days,
            Sessions = settings.Sessions,
            WinSignal = settings.WinSignal,
        };
        var result = PipelineSteps.Generate(options, cancellationToken);
        Console.WriteLine($"ground truth (not a raw input): {result.GroundTruthPath}");
        return 0;
    }
}
