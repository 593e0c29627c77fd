using Spectre.Console.Cli;

namespace GtmMart.Bench;

/// <summary>Prints the machine line the benchmarks record in their sections of docs/BENCHMARKS.md.</summary>
public sealed class MachineCommand : Command
{
    public override int Execute(CommandContext context, CancellationToken cancellationToken)
    {
        Console.WriteLine(MarkdownSection.MachineLine());
        return 0;
    }
}
