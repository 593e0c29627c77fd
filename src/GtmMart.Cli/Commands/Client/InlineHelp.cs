using GtmMart.Scoring.Features;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace GtmMart.Cli.Commands;

/// <summary>Spectre's help, plus the deal options of <c>gtm client score-inline</c> listed from the feature catalog.</summary>
public sealed class InlineHelp(ICommandAppSettings settings) : HelpProvider(settings)
{
    public const string Command = "score-inline";

    public override IEnumerable<IRenderable> GetOptions(ICommandModel model, ICommandInfo? command)
    {
        foreach (var renderable in base.GetOptions(model, command))
        {
            yield return renderable;
        }

        if (command?.Name != Command)
        {
            yield break;
        }

        yield return new Markup(Environment.NewLine + "[yellow]DEAL OPTIONS:[/] one per feature of the opportunity feature catalog; numbers left out are missing values, money is in dollars (sent as cents)" + Environment.NewLine);
        var grid = new Grid().AddColumn(new GridColumn().PadLeft(3).PadRight(4)).AddColumn();
        foreach (var f in OpportunityFeatureCatalog.Default.Features)
        {
            var value = f.Wire switch { WireUnit.Text => "<TEXT>", WireUnit.UsdCents => "<USD>", _ => "<N>" };
            grid.AddRow(new Text($"{f.CliOption} {value}"), new Text(f.Description));
        }

        yield return grid;
    }
}
