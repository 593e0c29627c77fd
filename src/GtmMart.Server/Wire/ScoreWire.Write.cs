using GtmMart.Contracts.V1;

namespace GtmMart.Server.Wire;

// Writing: the fields in field-number order, with the sizes measured before.
public static partial class ScoreWire
{
    private static void Write(ScoreOpportunitiesResponse m, Sizes sizes, ref SpanWriter w)
    {
        var results = m.Results;
        for (var i = 0; i < results.Count; i++)
        {
            w.Tag(10);
            w.Varint((uint)sizes.Next());
            Write(results[i], sizes, ref w);
        }
    }

    private static void Write(OpportunityResult m, Sizes sizes, ref SpanWriter w)
    {
        switch (m.ResultCase)
        {
            case OpportunityResult.ResultOneofCase.Score:
                w.Tag(10);
                w.Varint((uint)sizes.Next());
                Write(m.Score, sizes, ref w);
                break;
            case OpportunityResult.ResultOneofCase.Error:
                w.Tag(18);
                w.Protobuf(m.Error, sizes.Next());
                break;
        }
    }

    private static void Write(OpportunityScore m, Sizes sizes, ref SpanWriter w)
    {
        if (m.OpportunityId.Length != 0)
        {
            w.Tag(10);
            w.String(m.OpportunityId, sizes.Next());
        }

        if (m.Score != 0)
        {
            w.Tag(16);
            w.Varint64(unchecked((ulong)(long)m.Score));
        }

        if (m.Probability != 0D)
        {
            w.Tag(25);
            w.Double(m.Probability);
        }

        for (var i = 0; i < m.TopPositive.Count; i++)
        {
            w.Tag(34);
            w.Varint((uint)sizes.Next());
            Write(m.TopPositive[i], sizes, ref w);
        }

        for (var i = 0; i < m.TopNegative.Count; i++)
        {
            w.Tag(42);
            w.Varint((uint)sizes.Next());
            Write(m.TopNegative[i], sizes, ref w);
        }

        if (m.Model is { } model)
        {
            w.Tag(50);
            w.Varint((uint)sizes.Next());
            Write(model, sizes, ref w);
        }
    }

    private static void Write(Factor m, Sizes sizes, ref SpanWriter w)
    {
        if (m.Feature.Length != 0)
        {
            w.Tag(10);
            w.String(m.Feature, sizes.Next());
        }

        if (m.Text.Length != 0)
        {
            w.Tag(18);
            w.String(m.Text, sizes.Next());
        }

        if (m.Contribution != 0D)
        {
            w.Tag(25);
            w.Double(m.Contribution);
        }
    }

    private static void Write(ModelRef m, Sizes sizes, ref SpanWriter w)
    {
        if (m.Name.Length != 0)
        {
            w.Tag(10);
            w.String(m.Name, sizes.Next());
        }

        if (m.Version.Length != 0)
        {
            w.Tag(18);
            w.String(m.Version, sizes.Next());
        }
    }

    private static void Write(ScoreStreamResponse m, Sizes sizes, ref SpanWriter w)
    {
        switch (m.ResultCase)
        {
            case ScoreStreamResponse.ResultOneofCase.Opportunity:
                w.Tag(10);
                w.Varint((uint)sizes.Next());
                Write(m.Opportunity, sizes, ref w);
                break;
            case ScoreStreamResponse.ResultOneofCase.Account:
                w.Tag(18);
                w.Protobuf(m.Account, sizes.Next());
                break;
            case ScoreStreamResponse.ResultOneofCase.Error:
                w.Tag(26);
                w.Protobuf(m.Error, sizes.Next());
                break;
            case ScoreStreamResponse.ResultOneofCase.Opportunities:
                w.Tag(34);
                w.Varint((uint)sizes.Next());
                Write(m.Opportunities, sizes, ref w);
                break;
            case ScoreStreamResponse.ResultOneofCase.Accounts:
                w.Tag(42);
                w.Protobuf(m.Accounts, sizes.Next());
                break;
        }
    }

    /// <summary>Sizes in the order the writer needs them, in a pooled array.</summary>
}
