using System.ComponentModel;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;
using GtmMart.Contracts.V1;
using GtmMart.Scoring.Features;
using Spectre.Console.Cli;

namespace GtmMart.Cli.Commands;

/// <summary>
/// Options of <c>gtm client score-inline</c>. The deal's feature options (<c>--channel</c>, <c>--sessions-30d</c>, ...)
/// come from the opportunity feature catalog, not from properties here: Spectre passes them on as remaining arguments
/// and <see cref="InlineOptions"/> reads them; <see cref="InlineHelp"/> lists them under <c>--help</c>.
/// </summary>
public sealed class InlineSettings : ClientSettings
{
    [CommandOption("--opportunity-id <TEXT>")]
    [Description("Your id for the deal, echoed back")]
    public string? OpportunityId { get; init; }

    [CommandOption("--account-id <TEXT>")]
    [Description("The account's id (informational)")]
    public string? AccountId { get; init; }

    [CommandOption("--strict")]
    [Description("Refuse the deal (INVALID_ARGUMENT) when the model would not know a value, instead of scoring it with warnings")]
    public bool Strict { get; init; }
}

/// <summary>Reads a deal's feature options (one per catalog feature, <see cref="OpportunityFeature.CliOption"/>) into an inline-opportunity message.</summary>
public static class InlineOptions
{
    /// <summary>
    /// Sets the field of each option's feature on a new message of <paramref name="descriptor"/>: text as given, numbers
    /// in invariant culture, money in dollars with at most two decimals (sent as cents). An option the catalog does not
    /// declare, a repeated one or a value that does not parse is an <see cref="ArgumentException"/> naming the option.
    /// </summary>
    public static IMessage Parse(OpportunityFeatureCatalog catalog, MessageDescriptor descriptor, IEnumerable<(string Option, string? Value)> options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(options);
        var message = descriptor.Parser.ParseFrom(ByteString.Empty);
        var byOption = catalog.Features.ToDictionary(f => f.CliOption, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (raw, value) in options)
        {
            var option = raw.StartsWith("--", StringComparison.Ordinal) ? raw : "--" + raw;
            if (!byOption.TryGetValue(option, out var feature))
            {
                throw new ArgumentException($"unknown option {option}; the deal's options are the feature catalog's: {string.Join(", ", byOption.Keys)}");
            }

            if (!seen.Add(option))
            {
                throw new ArgumentException($"{option} is given twice");
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"{option} needs a value");
            }

            var field = descriptor.FindFieldByName(feature.ProtoField)
                ?? throw new ArgumentException($"{descriptor.Name} has no field {feature.ProtoField} for {option}");
            field.Accessor.SetValue(message, feature.Wire switch
            {
                WireUnit.Text => value,
                WireUnit.UsdCents => Cents(option, value),
                _ => float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                    ? number
                    : throw new ArgumentException($"{option}: '{value}' is not a number"),
            });
        }

        return message;
    }

    /// <summary>Dollars ("25000", "25000.50") as exact cents.</summary>
    private static long Cents(string option, string value)
    {
        if (!decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var dollars))
        {
            throw new ArgumentException($"{option}: '{value}' is not an amount of dollars");
        }

        var cents = dollars * 100;
        return cents == decimal.Truncate(cents) && Math.Abs(cents) <= long.MaxValue
            ? (long)cents
            : throw new ArgumentException($"{option}: '{value}' has more than two decimals (amounts are sent in cents)");
    }
}

public sealed class ClientScoreInlineCommand : ClientCommand<InlineSettings>
{
    private InlineOpportunity? _deal;

    /// <summary>Reads the feature options before the call, so a mistyped option fails without calling the server.</summary>
    public override Spectre.Console.ValidationResult Validate(CommandContext context, InlineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        try
        {
            var options = context.Remaining.Parsed.SelectMany(g => g.Select(v => (g.Key, v)));
            if (context.Remaining.Raw.Count > 0)
            {
                return Spectre.Console.ValidationResult.Error($"unexpected argument {context.Remaining.Raw[0]}");
            }

            _deal = (InlineOpportunity)InlineOptions.Parse(OpportunityFeatureCatalog.Default, InlineOpportunity.Descriptor, options);
        }
        catch (ArgumentException ex)
        {
            return Spectre.Console.ValidationResult.Error(ex.Message);
        }

        _deal.OpportunityId = settings.OpportunityId ?? "";
        _deal.AccountId = settings.AccountId ?? "";
        return base.Validate(context, settings);
    }

    protected override async Task RunAsync(GrpcChannel channel, InlineSettings settings, CallOptions options)
    {
        var request = new ScoreOpportunityInlineRequest { Opportunity = _deal ?? new InlineOpportunity(), Strict = settings.Strict };
        var answer = await new ScoringService.ScoringServiceClient(channel).ScoreOpportunityInlineAsync(request, options).ConfigureAwait(false);
        foreach (var warning in answer.Warnings)
        {
            Console.Error.WriteLine($"warning: {warning.Field}: {warning.Description}");
        }

        Print(answer);
    }
}
