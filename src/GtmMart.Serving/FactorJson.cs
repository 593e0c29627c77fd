using System.Buffers;
using System.Text;
using System.Text.Json;
using GtmMart.Scoring.Icp;
using GtmMart.Scoring.Opportunity;

namespace GtmMart.Serving;

/// <summary>One element of a <c>top_factors</c> array; an account reason has no family and no contribution (the keys are left out).</summary>
internal readonly record struct JsonFactor(string Direction, string Text, string? Family, double? Contribution, bool HasContribution)
{
    /// <summary>A reason with a direction and a text only (account scores).</summary>
    public static JsonFactor Reason(string direction, string text) => new(direction, text, null, null, false);

    /// <summary>An opportunity score's reason: its family, direction, text and contribution (win log-odds).</summary>
    public static JsonFactor Of(OpportunityFactor factor) => new(factor.Direction, factor.Text, factor.Family, factor.Contribution, true);

    /// <summary>A value the model did not know: direction "unknown", contribution null.</summary>
    public static JsonFactor Of(UnknownValue unknown) => new("unknown", unknown.Text, unknown.Family, null, true);
}

/// <summary>
/// The <c>top_factors</c> JSON of the score tables: <c>[{"family":...,"direction":"+","text":"...","contribution":...}, ...]</c>,
/// written directly (the reflection serializer cost ~5 µs a row); family and contribution only for factors that have
/// them. One instance reuses its buffer and writer from row to row, so it belongs to one thread at a time.
/// </summary>
internal sealed class FactorJsonWriter : IDisposable
{
    private static readonly JsonEncodedText FamilyProperty = JsonEncodedText.Encode("family");
    private static readonly JsonEncodedText DirectionProperty = JsonEncodedText.Encode("direction");
    private static readonly JsonEncodedText TextProperty = JsonEncodedText.Encode("text");
    private static readonly JsonEncodedText ContributionProperty = JsonEncodedText.Encode("contribution");

    private readonly ArrayBufferWriter<byte> buffer = new(1024);
    private readonly Utf8JsonWriter writer;

    public FactorJsonWriter() => writer = new Utf8JsonWriter(buffer);

    public void Dispose() => writer.Dispose();

    /// <summary>
    /// The reasons of an opportunity score as UTF-8, strongest first each way, then the values the model did not know:
    /// <c>[{"family":"web_engagement","direction":"+","text":"...","contribution":0.41}, ...,
    /// {"family":"channel","direction":"unknown","text":"Unknown channel 'Paid Search'","contribution":null}]</c>,
    /// written after what <paramref name="target"/> already holds (no string made: the bulk write takes the bytes as
    /// they are).
    /// </summary>
    public void AppendOpportunity(OpportunityScore score, IBufferWriter<byte> target)
    {
        Start(target);
        WriteFactors(score);
        Finish();
    }

    /// <summary>
    /// An account score's reasons as UTF-8, written after what <paramref name="target"/> already holds; ICP reasons are
    /// phrased with their effect ("... (wins less often)"), which gives the direction.
    /// </summary>
    public void AppendAccount(AccountScore score, IBufferWriter<byte> target)
    {
        Start(target);
        WriteFactors(score);
        Finish();
    }

    private void WriteFactors(OpportunityScore score)
    {
        foreach (var factor in score.TopPositive)
        {
            Write(JsonFactor.Of(factor));
        }

        foreach (var factor in score.TopNegative)
        {
            Write(JsonFactor.Of(factor));
        }

        foreach (var unknown in score.Unknown)
        {
            Write(JsonFactor.Of(unknown));
        }
    }

    private void WriteFactors(AccountScore score)
    {
        foreach (var reason in score.Reasons)
        {
            Write(JsonFactor.Reason(reason.EndsWith("(wins less often)", StringComparison.Ordinal) ? "-" : "+", reason));
        }
    }

    public string Array(IEnumerable<JsonFactor> factors)
    {
        buffer.ResetWrittenCount();
        Start(buffer);
        foreach (var factor in factors)
        {
            Write(factor);
        }

        Finish();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private void Start(IBufferWriter<byte> target)
    {
        writer.Reset(target);
        writer.WriteStartArray();
    }

    private void Finish()
    {
        writer.WriteEndArray();
        writer.Flush();
    }

    private void Write(in JsonFactor f)
    {
        writer.WriteStartObject();
        if (f.Family is not null)
        {
            writer.WriteString(FamilyProperty, f.Family);
        }

        writer.WriteString(DirectionProperty, f.Direction);
        writer.WriteString(TextProperty, f.Text);
        if (f.HasContribution)
        {
            if (f.Contribution is { } c)
            {
                writer.WriteNumber(ContributionProperty, Math.Round(c, 4));
            }
            else
            {
                writer.WriteNull(ContributionProperty);
            }
        }

        writer.WriteEndObject();
    }
}
