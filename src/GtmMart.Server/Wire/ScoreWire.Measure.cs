using Google.Protobuf;
using Google.Protobuf.Collections;
using GtmMart.Contracts.V1;

namespace GtmMart.Server.Wire;

// Measuring: the sizes the writer needs, in the order it needs them.
public static partial class ScoreWire
{
    // Measuring records, in the order the writer meets them, the size of every nested message and the UTF-8 length
    // of every string; writing reads them back in that order. A nested message's slot is reserved before its fields
    // are measured (they come after it in the order) and filled once its size is known:
    // `sizes.Nested(sizes.Reserve(), Measure(child, sizes))` relies on C# evaluating arguments (and the operands of
    // `+`) left to right. Every tag here is one byte (field numbers below 16).

    private static int Measure(ScoreOpportunitiesResponse m, Sizes sizes)
    {
        var size = 0;
        var results = m.Results;
        for (var i = 0; i < results.Count; i++)
        {
            size += 1 + sizes.Nested(sizes.Reserve(), Measure(results[i], sizes));
        }

        return size;
    }

    private static int Measure(OpportunityResult m, Sizes sizes) => m.ResultCase switch
    {
        OpportunityResult.ResultOneofCase.Score => 1 + sizes.Nested(sizes.Reserve(), Measure(m.Score, sizes)),
        OpportunityResult.ResultOneofCase.Error => 1 + sizes.Nested(sizes.Reserve(), m.Error.CalculateSize()),
        _ => 0,
    };

    private static int Measure(OpportunityScore m, Sizes sizes)
    {
        if (sizes.UsePrecoded && Precoded.TryGetValue(m, out var precoded))
        {
            return precoded.Length;
        }

        var size = StringField(m.OpportunityId, sizes)
            + (m.Score != 0 ? 1 + CodedOutputStream.ComputeInt32Size(m.Score) : 0)
            + DoubleField(m.Probability)
            + Factors(m.TopPositive, sizes)
            + Factors(m.TopNegative, sizes);
        return m.Model is { } model ? size + 1 + sizes.Nested(sizes.Reserve(), Measure(model, sizes)) : size;
    }

    /// <summary>A repeated factor field: each factor nested under its one-byte tag.</summary>
    private static int Factors(RepeatedField<Factor> factors, Sizes sizes)
    {
        var size = 0;
        for (var i = 0; i < factors.Count; i++)
        {
            size += 1 + sizes.Nested(sizes.Reserve(), Measure(factors[i], sizes));
        }

        return size;
    }

    private static int Measure(Factor m, Sizes sizes) =>
        StringField(m.Feature, sizes) + StringField(m.Text, sizes) + DoubleField(m.Contribution);

    private static int Measure(ModelRef m, Sizes sizes) =>
        StringField(m.Name, sizes) + StringField(m.Version, sizes);

    private static int Measure(ScoreStreamResponse m, Sizes sizes) => m.ResultCase switch
    {
        ScoreStreamResponse.ResultOneofCase.Opportunity => 1 + sizes.Nested(sizes.Reserve(), Measure(m.Opportunity, sizes)),
        ScoreStreamResponse.ResultOneofCase.Account => 1 + sizes.Nested(sizes.Reserve(), m.Account.CalculateSize()),
        ScoreStreamResponse.ResultOneofCase.Error => 1 + sizes.Nested(sizes.Reserve(), m.Error.CalculateSize()),
        ScoreStreamResponse.ResultOneofCase.Opportunities => 1 + sizes.Nested(sizes.Reserve(), Measure(m.Opportunities, sizes)),
        ScoreStreamResponse.ResultOneofCase.Accounts => 1 + sizes.Nested(sizes.Reserve(), m.Accounts.CalculateSize()),
        _ => 0,
    };

    /// <summary>A string field as proto3 writes it: left out when empty; records its UTF-8 length.</summary>
    private static int StringField(string value, Sizes sizes)
    {
        if (value.Length == 0)
        {
            return 0;
        }

        var length = Utf8.GetByteCount(value);
        sizes.Add(length);
        return 1 + CodedOutputStream.ComputeLengthSize(length) + length;
    }

    /// <summary>A double field as proto3 writes it: left out when it compares equal to 0 (so is -0.0).</summary>
    private static int DoubleField(double value) => value != 0D ? 1 + 8 : 0;
}
