using Google.Protobuf;
using GtmMart.Contracts.V1;

namespace GtmMart.Server.Wire;

// Measuring: the sizes the writer needs, in the order it needs them.
public static partial class ScoreWire
{
    // Measuring records, in the order the writer meets them, the size of every nested message and the UTF-8 length
    // of every string; writing reads them back in that order. A nested message's slot is reserved before its fields
    // are measured (they come after it in the order) and filled once its size is known:
    // `sizes.Nested(sizes.Reserve(), Measure(child, sizes))` relies on C# evaluating arguments left to right.

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
        var size = 0;
        if (m.OpportunityId.Length != 0)
        {
            size += 1 + String(m.OpportunityId, sizes);
        }

        if (m.Score != 0)
        {
            size += 1 + CodedOutputStream.ComputeInt32Size(m.Score);
        }

        if (m.Probability != 0D)
        {
            size += 1 + 8;
        }

        for (var i = 0; i < m.TopPositive.Count; i++)
        {
            size += 1 + sizes.Nested(sizes.Reserve(), Measure(m.TopPositive[i], sizes));
        }

        for (var i = 0; i < m.TopNegative.Count; i++)
        {
            size += 1 + sizes.Nested(sizes.Reserve(), Measure(m.TopNegative[i], sizes));
        }

        if (m.Model is { } model)
        {
            size += 1 + sizes.Nested(sizes.Reserve(), Measure(model, sizes));
        }

        return size;
    }

    private static int Measure(Factor m, Sizes sizes)
    {
        var size = 0;
        if (m.Feature.Length != 0)
        {
            size += 1 + String(m.Feature, sizes);
        }

        if (m.Text.Length != 0)
        {
            size += 1 + String(m.Text, sizes);
        }

        if (m.Contribution != 0D)
        {
            size += 1 + 8;
        }

        return size;
    }

    private static int Measure(ModelRef m, Sizes sizes)
    {
        var size = 0;
        if (m.Name.Length != 0)
        {
            size += 1 + String(m.Name, sizes);
        }

        if (m.Version.Length != 0)
        {
            size += 1 + String(m.Version, sizes);
        }

        return size;
    }

    private static int Measure(ScoreStreamResponse m, Sizes sizes) => m.ResultCase switch
    {
        ScoreStreamResponse.ResultOneofCase.Opportunity => 1 + sizes.Nested(sizes.Reserve(), Measure(m.Opportunity, sizes)),
        ScoreStreamResponse.ResultOneofCase.Account => 1 + sizes.Nested(sizes.Reserve(), m.Account.CalculateSize()),
        ScoreStreamResponse.ResultOneofCase.Error => 1 + sizes.Nested(sizes.Reserve(), m.Error.CalculateSize()),
        ScoreStreamResponse.ResultOneofCase.Opportunities => 1 + sizes.Nested(sizes.Reserve(), Measure(m.Opportunities, sizes)),
        ScoreStreamResponse.ResultOneofCase.Accounts => 1 + sizes.Nested(sizes.Reserve(), m.Accounts.CalculateSize()),
        _ => 0,
    };

    private static int String(string value, Sizes sizes)
    {
        var length = Utf8.GetByteCount(value);
        sizes.Add(length);
        return CodedOutputStream.ComputeLengthSize(length) + length;
    }
}
