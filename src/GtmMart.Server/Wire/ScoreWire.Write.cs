using Google.Protobuf.Collections;
using GtmMart.Contracts.V1;

namespace GtmMart.Server.Wire;

// Writing: the fields in field-number order, with the sizes measured before. Tags are (field number << 3) | wire
// type: 0 varint, 1 fixed 64-bit, 2 length-delimited.
public static partial class ScoreWire
{
    private static void Write(ScoreOpportunitiesResponse m, Sizes sizes, ref SpanWriter w)
    {
        var results = m.Results;
        for (var i = 0; i < results.Count; i++)
        {
            w.Nested(10, sizes);
            Write(results[i], sizes, ref w);
        }
    }

    private static void Write(OpportunityResult m, Sizes sizes, ref SpanWriter w)
    {
        switch (m.ResultCase)
        {
            case OpportunityResult.ResultOneofCase.Score:
                w.Nested(10, sizes);
                Write(m.Score, sizes, ref w);
                break;
            case OpportunityResult.ResultOneofCase.Error:
                w.Protobuf(18, m.Error, sizes);
                break;
        }
    }

    private static void Write(OpportunityScore m, Sizes sizes, ref SpanWriter w)
    {
        if (sizes.UsePrecoded && Precoded.TryGetValue(m, out var precoded))
        {
            w.Raw(precoded);
            return;
        }

        w.StringField(10, m.OpportunityId, sizes);
        if (m.Score != 0)
        {
            w.Tag(16);
            w.Varint(unchecked((ulong)(long)m.Score));
        }

        w.DoubleField(25, m.Probability);
        WriteFactors(34, m.TopPositive, sizes, ref w);
        WriteFactors(42, m.TopNegative, sizes, ref w);
        if (m.Model is { } model)
        {
            w.Nested(50, sizes);
            Write(model, sizes, ref w);
        }
    }

    /// <summary>A repeated factor field: each factor nested under <paramref name="tag"/>.</summary>
    private static void WriteFactors(byte tag, RepeatedField<Factor> factors, Sizes sizes, ref SpanWriter w)
    {
        for (var i = 0; i < factors.Count; i++)
        {
            w.Nested(tag, sizes);
            Write(factors[i], sizes, ref w);
        }
    }

    private static void Write(Factor m, Sizes sizes, ref SpanWriter w)
    {
        w.StringField(10, m.Feature, sizes);
        w.StringField(18, m.Text, sizes);
        w.DoubleField(25, m.Contribution);
    }

    private static void Write(ModelRef m, Sizes sizes, ref SpanWriter w)
    {
        w.StringField(10, m.Name, sizes);
        w.StringField(18, m.Version, sizes);
    }

    private static void Write(ScoreStreamResponse m, Sizes sizes, ref SpanWriter w)
    {
        switch (m.ResultCase)
        {
            case ScoreStreamResponse.ResultOneofCase.Opportunity:
                w.Nested(10, sizes);
                Write(m.Opportunity, sizes, ref w);
                break;
            case ScoreStreamResponse.ResultOneofCase.Account:
                w.Protobuf(18, m.Account, sizes);
                break;
            case ScoreStreamResponse.ResultOneofCase.Error:
                w.Protobuf(26, m.Error, sizes);
                break;
            case ScoreStreamResponse.ResultOneofCase.Opportunities:
                w.Nested(34, sizes);
                Write(m.Opportunities, sizes, ref w);
                break;
            case ScoreStreamResponse.ResultOneofCase.Accounts:
                w.Protobuf(42, m.Accounts, sizes);
                break;
        }
    }
}
